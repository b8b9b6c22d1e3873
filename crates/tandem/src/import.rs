//! `tandem import …`: files into the database, all or nothing.

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use sha2::Digest as _;
use std::path::{Path, PathBuf};

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Org units from CSV (code,name,level,parent_code[,dhis2_uid,latitude,longitude]) or a
    /// DHIS2 organisationUnits JSON export.
    OrgUnits {
        /// The file.
        file: PathBuf,
        /// File format; by default from the extension (.csv or .json).
        #[arg(long, value_enum)]
        format: Option<OrgUnitFormat>,
    },
    /// People from CSV (name,time_zone[,cadre,…,email,…,program,role,org_unit]).
    People {
        /// The file.
        file: PathBuf,
    },
    /// Aggregate values from CSV (data_element,org_unit,period,value[,comment]) for a
    /// program: all rows or none.
    Values {
        /// The file.
        file: PathBuf,
        /// The program (code).
        #[arg(long)]
        program: String,
    },
    /// A checklist or assessment form from an XLSForm workbook (.xlsx). Every unsupported
    /// feature is reported with its sheet, row and column, and nothing is imported.
    Form {
        /// The workbook.
        file: PathBuf,
        /// The program (code) the form belongs to; none: shared by every program.
        #[arg(long)]
        program: Option<String>,
        /// What the form is for: a `checklist` filled during visits, or a site `assessment`.
        #[arg(long, default_value = "checklist")]
        purpose: String,
    },
}

/// Org-unit file formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OrgUnitFormat {
    /// Comma-separated values.
    Csv,
    /// DHIS2 `organisationUnits` JSON.
    Dhis2Json,
}

fn read(file: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))
}

/// Runs an import.
pub async fn run(db: &store::Db, command: ImportCommand) -> anyhow::Result<()> {
    let actor = store::Actor::system("cli import");
    match command {
        ImportCommand::OrgUnits { file, format } => {
            let name = file.display().to_string();
            let format = match format {
                Some(f) => f,
                None => match file
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("csv") => OrgUnitFormat::Csv,
                    Some("json") => OrgUnitFormat::Dhis2Json,
                    _ => bail!(
                        "{name}: cannot tell the format from the extension; pass --format csv or --format dhis2-json"
                    ),
                },
            };
            let bytes = read(&file)?;
            let rows = match format {
                OrgUnitFormat::Csv => interop::org_units_csv::parse(&name, bytes.as_slice())?,
                OrgUnitFormat::Dhis2Json => interop::dhis2::parse(&name, &bytes)?,
            };
            let counts = db
                .import_org_units(&actor, &rows)
                .await
                .map_err(|e| anyhow::anyhow!("{name}: {e}; nothing was imported"))?;
            println!(
                "{name}: {} created, {} updated, {} unchanged",
                counts.created, counts.updated, counts.unchanged
            );
            Ok(())
        }
        ImportCommand::Form {
            file,
            program,
            purpose,
        } => {
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let limits = forms::Limits::default();
            // Measured before reading, so a huge file is refused without being read.
            let size = std::fs::metadata(&file)
                .with_context(|| format!("{}: cannot read", file.display()))?
                .len();
            if size > limits.max_compressed_bytes {
                bail!(
                    "{name}: the file is {size} bytes, more than the {} a form may be; nothing was imported",
                    limits.max_compressed_bytes
                );
            }
            let bytes = read(&file)?;
            let form = match forms::Form::from_xlsx_bytes(&name, &bytes, &limits) {
                Ok(form) => form,
                Err(errors) => {
                    let mut message =
                        format!("{name}: {} problem(s); nothing was imported", errors.len());
                    for error in &errors {
                        message.push_str(&format!("\n  {error}"));
                    }
                    bail!(message);
                }
            };
            let questions = form.questions();
            let groups: std::collections::BTreeSet<&str> = questions
                .iter()
                .filter_map(|(path, _)| path.first().map(|g| g.name.as_str()))
                .collect();
            println!(
                "{name}: form {} “{}”{}: {} questions in {} groups; languages: {}",
                form.id,
                form.title,
                form.version
                    .as_deref()
                    .map(|v| format!(" version {v}"))
                    .unwrap_or_default(),
                questions.len(),
                groups.len(),
                if form.languages.is_empty() {
                    "one (untagged)".to_owned()
                } else {
                    form.languages.join(", ")
                }
            );
            let program = match program {
                None => None,
                Some(code) => Some(crate::program_flag(db, &code).await?.id),
            };
            let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
            let stored = db
                .save_form(&actor, program, &purpose, &form, &sha256)
                .await
                .map_err(|e| anyhow::anyhow!("{name}: {e}; nothing was imported"))?;
            println!("{name}: stored as form {}", stored.id);
            Ok(())
        }
        ImportCommand::Values { file, program } => {
            let name = file.display().to_string();
            let program = crate::program_flag(db, &program).await?;
            let counts = import_values(db, &actor, program.id, &file, &name).await?;
            println!(
                "{name}: {} created, {} updated, {} unchanged",
                counts.created, counts.updated, counts.unchanged
            );
            Ok(())
        }
        ImportCommand::People { file } => {
            let name = file.display().to_string();
            let rows = interop::people_csv::parse(&name, read(&file)?.as_slice())?;
            let counts = db
                .import_people(&actor, &rows)
                .await
                .map_err(|e| anyhow::anyhow!("{name}: {e}; nothing was imported"))?;
            println!(
                "{name}: {} created, {} updated, {} memberships added",
                counts.created, counts.updated, counts.memberships
            );
            Ok(())
        }
    }
}

/// A reader that hashes and counts what passes through it, so a file read once as a stream
/// is also named by its size and SHA-256.
struct Digesting<R> {
    inner: R,
    sha256: sha2::Sha256,
    bytes: u64,
}

impl<R: std::io::Read> std::io::Read for Digesting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        self.sha256.update(read);
        self.bytes += read.len() as u64;
        Ok(n)
    }
}

/// Imports a values file as it is read: the rows go to the store a chunk at a time, all inside
/// one transaction, so memory holds one chunk, not the file. A bad row (unreadable, or refused
/// by the store's checks) drops the import, which rolls back everything written.
async fn import_values(
    db: &store::Db,
    actor: &store::Actor,
    program: domain::ids::ProgramId,
    file: &Path,
    name: &str,
) -> anyhow::Result<store::indicators::SaveCounts> {
    let opened =
        std::fs::File::open(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let mut source = Digesting {
        inner: std::io::BufReader::with_capacity(1 << 16, opened),
        sha256: sha2::Sha256::new(),
        bytes: 0,
    };
    let refused = |e: store::DbError| anyhow::anyhow!("{name}: {e}; nothing was imported");
    let mut import = db
        .begin_values_import(actor, program)
        .await
        .map_err(refused)?;
    let mut chunk = Vec::with_capacity(store::indicators::VALUES_CHUNK);
    for row in interop::values_csv::rows(name, &mut source)? {
        chunk.push(row?);
        if chunk.len() == store::indicators::VALUES_CHUNK {
            import.add(&chunk).await.map_err(refused)?;
            chunk.clear();
        }
    }
    import.add(&chunk).await.map_err(refused)?;
    let imported = store::indicators::ImportedFile {
        name: name.to_owned(),
        bytes: source.bytes,
        sha256: hex::encode(source.sha256.finalize()),
    };
    import.finish(&imported).await.map_err(refused)
}
