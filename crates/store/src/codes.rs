//! Columns that hold a [`domain::codes::Coded`] enum: read straight into the enum (a code the
//! enum does not know is a decode error, as any corrupt column is), written with `as_str()`.

use domain::codes::Coded;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Type};

/// A coded column as a query reads it; `.0` is the enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code<T>(pub T);

impl<DB: Database, T> Type<DB> for Code<T>
where
    str: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <str as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <str as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: Database, T: Coded> Decode<'r, DB> for Code<T>
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let code = <&'r str as Decode<'r, DB>>::decode(value)?;
        T::from_code(code).map(Code).ok_or_else(|| {
            format!("unknown code {code:?} for {}", std::any::type_name::<T>()).into()
        })
    }
}
