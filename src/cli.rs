//! Command-line definitions (clap derive types only).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::Day;

/// Static governance reports for non-human identities: who owns every control, who was
/// accountable when one failed, and whether failures keep coming back.
#[derive(Debug, Parser)]
#[command(name = "govsite", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: stage timings and what is being done.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the content, compute the metrics and write the site.
    #[command(
        after_help = "Examples:\n  govsite build\n  govsite build --content records --out site --as-of 2026-11-01"
    )]
    Build(BuildArgs),
    /// Validate the content and list every problem (and, with --strict, policy findings).
    ///
    /// Results go to stdout and the counts to stderr, so `govsite check > report.txt` keeps
    /// the report. Every result names its file (from the repository root in the sarif and
    /// github formats), line and column; a policy finding points at the record it is about.
    /// The json, sarif and github formats always list the policy findings, as warnings, or as
    /// errors with --strict; the text format lists them with --strict.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Build the site into one zip archive for auditors: site, exports, evidence, SHA256SUMS.
    #[command(
        after_help = "Examples:\n  govsite package\n  govsite package --as-of 2026-11-01 -o acme-q4-audit.zip\n\nUnzip it and run `sha256sum -c SHA256SUMS` inside the folder to verify every file, or run `govsite verify FILE.zip`."
    )]
    Package(PackageArgs),
    /// Check an auditor package: every hash, the signature, and a rebuild from its sources.
    ///
    /// Unpacks the zip into a private temporary folder, checks every file against SHA256SUMS,
    /// checks SHA256SUMS.sig when present, rebuilds the site from source/ at the package's
    /// as-of date and names every file that differs. Exit 0 only when all of it passes.
    #[command(
        after_help = "Examples:\n  govsite verify acme-nhi-governance-2026-11-01.zip\n  govsite verify package.zip --allowed-signers allowed_signers"
    )]
    Verify(VerifyArgs),
    /// Write a starter content directory to edit: a few controls, people, an exception and an incident.
    #[command(
        after_help = "Examples:\n  govsite init governance\n  govsite serve --content governance"
    )]
    Init(InitArgs),
    /// Build, serve the site on 127.0.0.1 and rebuild when content or templates change.
    ///
    /// The site is built in a private temporary folder, removed when serve stops (Ctrl+C), and
    /// only requests for localhost, 127.0.0.1 or [::1] are answered.
    #[command(
        after_help = "Examples:\n  govsite serve\n  govsite serve --content records --port 9000 --open"
    )]
    Serve(ServeArgs),
    /// Write a JSON Schema of every kind of content file, for editors to check files as you type.
    #[command(
        after_help = "Examples:\n  govsite schema\n  govsite schema --out .vscode/govsite-schemas\n\nThen point your editor at them: see \"Editor support\" in docs/content-format.md."
    )]
    Schema(SchemaArgs),
    /// Turn scanner findings into incident records: gitleaks, trufflehog, GitHub secret
    /// scanning alerts, or a CSV file. Importing the same report again adds nothing.
    #[command(
        after_help = "Examples:\n  govsite import gitleaks gitleaks-report.json\n  govsite import github alerts.json --mapping import.yaml --dry-run\n\nExit codes: 0 imported (or nothing new); 1 errors in the report or the mapping; 3 some findings not imported because the mapping does not name their rule (or the user who bypassed push protection)"
    )]
    Import(ImportArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  govsite completions bash > /etc/bash_completion.d/govsite\n  govsite completions zsh > ~/.zfunc/_govsite\n  govsite completions fish > ~/.config/fish/completions/govsite.fish"
    )]
    Completions(CompletionsArgs),
}

const CHECK_HELP: &str = "\
Examples:
  govsite check
  govsite check --strict --format json
  govsite check --format sarif > govsite.sarif      # for github/codeql-action/upload-sarif
  govsite check --strict --format github            # annotations in a GitHub Actions job

--format github prints one ::error or ::warning command per result; GitHub shows the first 10
errors and the first 10 warnings of a step as annotations on the files (all stay in the log).
When GITHUB_STEP_SUMMARY is set, a Markdown summary (counts and the first 50 results) is
appended to that file.

Exit codes: 0 no errors (and, with --strict, no findings); 1 otherwise; 2 usage.";

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create (it must not exist, or be empty).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// The port on 127.0.0.1.
    #[arg(long, short, default_value_t = 8000)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// A folder of templates that replace the built-in ones of the same file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The folder to write the schemas into (created if missing; earlier schemas are replaced).
    #[arg(long, short, default_value = "schemas", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ContentArgs {
    /// The content directory.
    #[arg(long, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,
    /// The date metrics are computed for (YYYY-MM-DD); default: `as_of` in site.yaml, else today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Day>,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// Where to write the site.
    #[arg(long, short, default_value = "public", value_name = "DIR")]
    pub out: PathBuf,
    /// A folder of templates that replace the built-in ones of the same file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Refuse to build when there are policy findings: exit 1 and leave the previous site as it is.
    #[arg(long)]
    pub strict: bool,
    /// An earlier build's data/metrics.json: show each headline figure's change since then.
    #[arg(long, value_name = "PREVIOUS/data/metrics.json")]
    pub compare: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// Fail (exit 1) on policy findings too: expired or permanent exceptions, gaps, overdue work.
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct PackageArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// The archive to write; default: `<organisation>-nhi-governance-<as-of>.zip`.
    #[arg(long, short, value_name = "FILE.zip")]
    pub output: Option<PathBuf>,
    /// A folder of templates that replace the built-in ones of the same file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// An earlier build's data/metrics.json: the package shows what changed since (and keeps
    /// the file, as source-compared/metrics.json, so `verify` rebuilds the same pages).
    #[arg(long, value_name = "PREVIOUS/data/metrics.json")]
    pub compare: Option<PathBuf>,
    /// Sign SHA256SUMS with this OpenSSH Ed25519 private key (no passphrase), as SHA256SUMS.sig.
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The package to check.
    #[arg(value_name = "PACKAGE.zip")]
    pub package: PathBuf,
    /// An ssh-keygen allowed-signers file: the package must be signed by a key it allows.
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    /// Refuse a package whose files add up to more than this many MiB (default: 16 GiB).
    #[arg(long, value_name = "MIB", default_value_t = 16 * 1024)]
    pub max_mib: u64,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The report's format.
    #[arg(value_enum)]
    pub format: crate::import::Format,
    /// The report file.
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// The content directory; records are written under its incidents/imported/.
    #[arg(long, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,
    /// The mapping file; default: import.yaml in the content directory.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The `detected` date of findings whose report has none (YYYY-MM-DD); default today (UTC).
    #[arg(long, value_name = "DATE")]
    pub detected: Option<Day>,
    /// Say what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:column: error|warning: message` lines (findings: `policy: kind: message`).
    Text,
    /// One JSON document: counts, diagnostics and findings, each with file, line and column.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=,line=,col=,title=::`).
    Github,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
