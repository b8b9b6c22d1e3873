//! `tandem bench values-file` (feature `bench`): writes a large, valid values file for a
//! program, to measure `tandem import values` (see docs/benchmarks.md). Codes come from the
//! database: the program's data elements and facilities, with extra facilities (as an
//! org-units CSV to import first) when there are too few to reach the rows asked for.

use anyhow::Context;
use domain::org_units::OrgUnitLevel;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Monthly periods per facility and data element: 70 years from January 1950, all before the
/// demo's own values.
const MONTHS: usize = 70 * 12;
const FIRST_YEAR: usize = 1950;

/// What to write.
#[derive(Debug, clap::Args)]
pub struct ValuesFileArgs {
    /// The program (code).
    #[arg(long)]
    program: String,
    /// Distinct (data element, facility, period) rows to write.
    #[arg(long, default_value_t = 1_000_000)]
    rows: usize,
    /// Every N-th row's value is one higher than in a file written without it (0: none), so a
    /// second file re-imports with N-th rows updated and the rest unchanged.
    #[arg(long, default_value_t = 0)]
    change_every: usize,
    /// Folder for `values.csv` and, when extra facilities are needed, `org-units.csv`.
    #[arg(long)]
    out: PathBuf,
}

/// Writes the files and says what to import.
pub async fn run(db: &store::Db, args: ValuesFileArgs) -> anyhow::Result<()> {
    let program = crate::program_flag(db, &args.program).await?;
    let elements = db.data_elements(program.id).await?;
    anyhow::ensure!(!elements.is_empty(), "the program has no data elements");
    let root = match program.root_org_unit {
        Some(root) => Some(db.org_unit(root).await?.path),
        None => None,
    };
    let units = db.org_units().await?;
    let mut facilities: Vec<String> = units
        .iter()
        .filter(|u| u.level == OrgUnitLevel::Facility)
        .filter(|u| root.as_deref().is_none_or(|r| u.path.starts_with(r)))
        .map(|u| u.code.as_str().to_owned())
        .collect();
    let first = units
        .iter()
        .find(|u| u.level == OrgUnitLevel::Facility)
        .filter(|u| root.as_deref().is_none_or(|r| u.path.starts_with(r)))
        .context("the program has no facility to place extra ones beside")?;
    let parent = units
        .iter()
        .find(|u| Some(u.id) == first.parent)
        .context("a facility without a parent")?;
    let needed = args.rows.div_ceil(elements.len() * MONTHS);
    std::fs::create_dir_all(&args.out)?;
    if facilities.len() < needed {
        let path = args.out.join("org-units.csv");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(out, "code,name,level,parent_code")?;
        for i in facilities.len()..needed {
            let code = format!("BENCH-F{i:05}");
            writeln!(
                out,
                "{code},Bench facility {i},facility,{}",
                parent.code.as_str()
            )?;
            facilities.push(code);
        }
        out.flush()?;
        println!("tandem import org-units {}", path.display());
    }
    let path = args.out.join("values.csv");
    write_values(&path, &args, &elements, &facilities)?;
    println!(
        "tandem import values {} --program {}",
        path.display(),
        args.program
    );
    Ok(())
}

fn write_values(
    path: &Path,
    args: &ValuesFileArgs,
    elements: &[store::indicators::DataElementRecord],
    facilities: &[String],
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "data_element,org_unit,period,value")?;
    let mut written = 0;
    'all: for facility in facilities {
        for month in 0..MONTHS {
            let period = format!("{}{:02}", FIRST_YEAR + month / 12, month % 12 + 1);
            for element in elements {
                if written == args.rows {
                    break 'all;
                }
                written += 1;
                let bump = usize::from(args.change_every > 0 && written % args.change_every == 0);
                // A whole number within the element's range (percentages stay within 0–100).
                let low = element.min.unwrap_or(0.0).max(0.0);
                let high = element
                    .max
                    .unwrap_or(f64::MAX)
                    .min(match element.value_type {
                        domain::indicators::ValueType::Percentage => 100.0,
                        _ => f64::MAX,
                    });
                let value = (low + ((written % 97) + bump) as f64).min(high);
                writeln!(out, "{},{facility},{period},{value}", element.code)?;
            }
        }
    }
    out.flush()?;
    anyhow::ensure!(written == args.rows, "wrote only {written} rows");
    Ok(())
}
