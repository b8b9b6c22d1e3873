//! Research collaboration (C11): the kinds of project work and of outputs.

use crate::coded_enum;

coded_enum! {
    /// A piece of a project's plan.
    pub enum TaskKind {
        /// Something someone does by a date.
        Task = "task",
        /// A point the project reaches (ethics approval, submission).
        Milestone = "milestone",
    }
}

coded_enum! {
    /// What a collaborative produced.
    pub enum OutputKind {
        /// A journal article.
        Publication = "publication",
        /// A conference presentation.
        Presentation = "presentation",
        /// A training given.
        Training = "training",
    }
}
