//! Reading TOML input files (scenarios, seeds) with errors a planner can act on.
//!
//! Every error names the file, the line and the key path (`levers.campaign.visits_per_day.key`),
//! whether it comes from the file system, the TOML syntax, the types, or the checks a file
//! type runs after parsing. Nothing here panics on any input.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

/// One problem found in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// Key path such as `departments[2].capacity`, when the problem concerns a key.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one or more input files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

/// A problem found by a file type's own checks, before it is given a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    pub message: String,
}

impl Problem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// The text of an input file, kept to place later problems on their lines.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// Reads a file, refusing missing, empty, binary and non-UTF-8 files.
    pub fn read(path: &Path) -> Result<Source, InputErrors> {
        let fail = |line, message: String| {
            InputErrors(vec![InputError {
                file: path.to_owned(),
                line,
                key: None,
                message,
            }])
        };
        let bytes = read_regular_file(path, MAX_INPUT_BYTES).map_err(|m| fail(None, m))?;
        if let Some(pos) = bytes.iter().position(|&b| b == 0) {
            let line = line_of_offset(&bytes, pos);
            return Err(fail(
                Some(line),
                "this is a binary file (it contains a NUL byte), not TOML text".into(),
            ));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let pos = e.utf8_error().valid_up_to();
                let line = line_of_offset(e.as_bytes(), pos);
                return Err(fail(
                    Some(line),
                    format!("the file is not UTF-8 text (bad byte at offset {pos})"),
                ));
            }
        };
        if text.trim().is_empty() {
            return Err(fail(Some(1), "the file is empty".into()));
        }
        Ok(Source {
            path: path.to_owned(),
            text,
        })
    }

    /// Parses the text as TOML into `T`, naming the key path of every type error and
    /// unknown key it can find in one pass ([`Source::more_errors`]).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, InputErrors> {
        self.parse_all(|_: &T| Vec::new())
    }

    /// Parses the text into `T` and runs a file type's own `check` on it: the value and the
    /// SHA-256 of the text, or every problem placed on its line.
    pub fn parse_checked<T: DeserializeOwned>(
        &self,
        check: impl Fn(&T) -> Vec<Problem>,
    ) -> Result<(T, String), InputErrors> {
        let value = self.parse_all(check)?;
        Ok((value, crate::scenario::hex_sha256(self.text.as_bytes())))
    }

    /// Parses the text into `T` and runs `check` on it, reporting in one pass every problem
    /// it can find: every unknown key and wrong type, and when the rest of the file reads
    /// cleanly, the checks' problems too (bad values, cross-field rules). Only a TOML
    /// syntax error stops the reading at once: past it, nothing can be read reliably.
    pub fn parse_all<T: DeserializeOwned>(
        &self,
        check: impl Fn(&T) -> Vec<Problem>,
    ) -> Result<T, InputErrors> {
        let de = toml::Deserializer::parse(&self.text).map_err(|e| {
            let line = e.span().map(|s| self.line_of(s.start));
            let mut message = first_line(e.message());
            // toml says "duplicate key" without the key; the span holds it.
            if message.starts_with("duplicate key")
                && !message.contains('`')
                && let Some(key) = e.span().and_then(|s| self.text.get(s))
            {
                message = format!(
                    "duplicate key `{}`: a key may be set only once in a table",
                    key.trim()
                );
            }
            self.errors(vec![(line, None, message)])
        })?;
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(value) => {
                let problems = check(&value);
                if problems.is_empty() {
                    Ok(value)
                } else {
                    Err(self.place(problems))
                }
            }
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let key = (path != "." && path != "?").then_some(path);
                let line = inner
                    .span()
                    .map(|s| self.line_of(s.start))
                    .or_else(|| key.as_deref().and_then(|k| self.line_of_key(k)));
                let mut items = vec![(line, key.clone(), explain(inner.message()))];
                let (more, rest) = self.more_errors::<T>(key.as_deref());
                items.extend(more);
                if let Some(rest) = rest {
                    items.extend(
                        check(&rest)
                            .into_iter()
                            .map(|p| (self.line_of_key(&p.key), Some(p.key), p.message)),
                    );
                }
                // Top to bottom, as the planner reads the file; problems with no line last.
                items.sort_by_key(|(line, _, _)| line.unwrap_or(usize::MAX));
                Err(self.errors(items))
            }
        }
    }

    /// The type errors and unknown keys after the first (at `first`): each offending key is
    /// removed from a copy of the file's tree and the rest is read again, up to
    /// [`MAX_ERRORS`]. Also returns the value the rest gives when it reads cleanly at last
    /// (removed keys take their defaults), so that the checks can run on it. Stops at an
    /// error it cannot step past: a required key missing (perhaps the one it removed), or an
    /// error with no key or inside a list of values.
    fn more_errors<T: DeserializeOwned>(&self, first: Option<&str>) -> (Vec<Placed>, Option<T>) {
        let mut out = Vec::new();
        let Ok(tree) = self.text.parse::<toml::Table>() else {
            return (out, None);
        };
        let mut tree = toml::Value::Table(tree);
        let mut removed: Vec<String> = Vec::new();
        let mut key = first.map(str::to_owned);
        for _ in 0..MAX_ERRORS {
            let Some(k) = key.take() else {
                return (out, None);
            };
            if !remove_key(&mut tree, &k) {
                return (out, None);
            }
            removed.push(k);
            match serde_path_to_error::deserialize::<_, T>(tree.clone()) {
                Ok(value) => return (out, Some(value)),
                Err(e) => {
                    let path = e.path().to_string();
                    let message = explain(e.into_inner().message());
                    let root = path == "." || path == "?" || path.is_empty();
                    if message.starts_with("missing field") {
                        // A required key is absent: reported only if the file lacked it, not
                        // because a wrong value was removed above.
                        let field = message.split('`').nth(1).unwrap_or_default();
                        let full = if root {
                            field.to_owned()
                        } else {
                            format!("{path}.{field}")
                        };
                        if !removed.contains(&full) {
                            let line = if root { None } else { self.line_of_key(&path) };
                            out.push((line, Some(full), message));
                        }
                        return (out, None);
                    }
                    if root {
                        // An error with no key cannot be removed to read on.
                        return (out, None);
                    }
                    out.push((self.line_of_key(&path), Some(path.clone()), message));
                    key = Some(path);
                }
            }
        }
        (out, None)
    }

    /// Turns problems from a file type's checks into errors placed on their lines.
    pub fn place(&self, problems: Vec<Problem>) -> InputErrors {
        self.errors(
            problems
                .into_iter()
                .map(|p| (self.line_of_key(&p.key), Some(p.key), p.message))
                .collect(),
        )
    }

    fn errors(&self, items: Vec<(Option<usize>, Option<String>, String)>) -> InputErrors {
        InputErrors(
            items
                .into_iter()
                .map(|(line, key, message)| InputError {
                    file: self.path.clone(),
                    line,
                    key: key.map(|k| clip(&k, QUOTE_LIMIT)),
                    message: clip_quotes(&message),
                })
                .collect(),
        )
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        line_of_offset(self.text.as_bytes(), offset)
    }

    /// Line of a key path such as `departments[1].capacity`: the key itself when it is
    /// written in the file, else the nearest enclosing table that is (a default was used).
    pub fn line_of_key(&self, key: &str) -> Option<usize> {
        let root = DeTable::parse(&self.text).ok()?;
        let mut best: Option<Range<usize>> = None;
        let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
        let mut value: Option<&DeValue<'_>> = None;
        for segment in key_segments(key) {
            match segment {
                Segment::Key(name) => {
                    let Some(t) = table.or_else(|| value.and_then(|v| v.as_table())) else {
                        break;
                    };
                    let Some((k, v)) = t.iter().find(|(k, _)| k.get_ref() == name) else {
                        break;
                    };
                    best = Some(k.span());
                    value = Some(v.get_ref());
                    table = None;
                }
                Segment::Index(i) => {
                    let Some(item) = value.and_then(|v| v.as_array()).and_then(|a| a.get(i)) else {
                        break;
                    };
                    best = Some(item.span());
                    value = Some(item.get_ref());
                }
            }
        }
        best.map(|s| self.line_of(s.start))
    }
}

/// A problem before it becomes an [`InputError`]: its line, its key and the message.
type Placed = (Option<usize>, Option<String>, String);

/// Most type errors and unknown keys one reading reports: past that, a file is likely not
/// what the command expects at all.
pub const MAX_ERRORS: usize = 25;

/// Removes the key at `path` (`levers.campaign.visits_per_dy`, `departments[0].servce`)
/// from `tree`; false if there is no such key, or if the path ends in a list's element,
/// whose removal would renumber the others.
fn remove_key(tree: &mut toml::Value, path: &str) -> bool {
    let segments = key_segments(path);
    let Some((Segment::Key(last), parents)) = segments.split_last() else {
        return false;
    };
    let mut value = tree;
    for segment in parents {
        let next = match segment {
            Segment::Key(name) => value.as_table_mut().and_then(|t| t.get_mut(*name)),
            Segment::Index(i) => value.as_array_mut().and_then(|a| a.get_mut(*i)),
        };
        let Some(next) = next else {
            return false;
        };
        value = next;
    }
    value
        .as_table_mut()
        .is_some_and(|t| t.remove(*last).is_some())
}

/// Largest input file read. Scenario, seeds, sweep and calibration files are kilobytes; the
/// cap keeps a mistaken path (`/dev/zero`, a data dump) from reading until memory runs out.
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// Reads a regular file of at most `max` bytes. Anything else (a folder, a FIFO that would
/// block until a writer comes, a device) is refused with a message saying what it is.
pub fn read_regular_file(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    if let Some(why) = not_a_file(path) {
        return Err(format!("the file {why}"));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "the file is larger than {} MiB; input files are a few kilobytes (is this the right file?)",
            max >> 20
        ));
    }
    Ok(bytes)
}

/// Why `path` cannot be read as an input file (`does not exist`, `is a folder, not a regular
/// file`, …), or `None` when it is a regular file.
pub fn not_a_file(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(m) => Some(format!(
            "is {}, not a regular file",
            file_type_words(&m.file_type())
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("does not exist".to_owned()),
        Err(e) => Some(format!("cannot be read ({e})")),
    }
}

/// What a path that is not a regular file is, in a user's words.
pub fn file_type_words(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// What is wrong with a TOML value that is about to be set into a scenario by key path (a
/// timeline entry, a sweep's value), where serde would only say "invalid type: null" (a NaN
/// or infinity, which JSON cannot hold) or "invalid type: map" (an unquoted date).
pub fn toml_value_problem(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::Float(x) if !x.is_finite() => {
            Some(format!("must be a finite number, got {x}"))
        }
        toml::Value::Datetime(d) => Some(format!(
            "write a date in quotes, e.g. \"{d}\" (unquoted, TOML reads it as a date-time)"
        )),
        toml::Value::Array(items) => items.iter().find_map(toml_value_problem),
        toml::Value::Table(t) => t.values().find_map(toml_value_problem),
        _ => None,
    }
}

/// Longest run of quoted input a message repeats.
pub const QUOTE_LIMIT: usize = 200;

/// `text` cut to `max` characters, with a note of how much was cut.
pub fn clip(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({} more characters)", total - max)
}

/// A message with every quoted run (between backticks or double quotes) longer than
/// [`QUOTE_LIMIT`] characters cut, so that an error never echoes megabytes of input back.
pub fn clip_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().expect("found");
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        match after.find(quote) {
            Some(close) => {
                out.push_str(&clip(&after[..close], QUOTE_LIMIT));
                out.push(quote);
                rest = &after[close + 1..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    clip(&out, 4 * QUOTE_LIMIT.max(1) * 5)
}

fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

/// Rust type names in serde's messages, in a planner's words.
const TYPE_WORDS: &[(&str, &str)] = &[
    ("expected u8", "expected a whole number ≥ 0"),
    ("expected u16", "expected a whole number ≥ 0"),
    ("expected u32", "expected a whole number ≥ 0"),
    ("expected u64", "expected a whole number ≥ 0"),
    ("expected usize", "expected a whole number ≥ 0"),
    ("expected i32", "expected a whole number"),
    ("expected i64", "expected a whole number"),
    ("expected f32", "expected a number"),
    ("expected f64", "expected a number"),
    ("expected a boolean", "expected true or false"),
    (
        "invalid type: map, expected a string",
        "expected text in quotes; a date must be written in quotes, e.g. \"2024-10-01\" \
         (unquoted, TOML reads it as a date-time)",
    ),
];

/// Makes serde's messages read as advice where we can.
fn explain(message: &str) -> String {
    let mut message = first_line(message);
    for (rust, words) in TYPE_WORDS {
        if let Some(at) = message.find(rust) {
            // Only a whole word: `expected u32` but not `expected u32x`.
            let end = at + rust.len();
            if !message[end..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                message.replace_range(at..end, words);
            }
        }
    }
    let message = message;
    if let Some(rest) = message.strip_prefix("invalid value: integer `-")
        && let Some((n, expected)) = rest.split_once("`, expected ")
    {
        return if expected.starts_with("a whole number") {
            format!("must be a whole number ≥ 0, got -{n}")
        } else {
            format!("must be a whole number ≥ 0 ({expected}), got -{n}")
        };
    }
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected ")
    {
        let options: Vec<&str> = expected
            .split('`')
            .filter(|s| {
                !s.is_empty() && !s.contains(',') && !s.contains(" or ") && !s.starts_with("one of")
            })
            .collect();
        if let Some(why) = removed_key(field) {
            return format!("unknown key `{field}`: {why} (expected {expected})");
        }
        if let Some(near) = nearest(field, &options) {
            return format!("unknown key `{field}`; did you mean `{near}`? (expected {expected})");
        }
        return format!("unknown key `{field}` (expected {expected})");
    }
    message
}

/// What replaced a key that older scenario files may still carry.
fn removed_key(field: &str) -> Option<&'static str> {
    match field {
        "year_multiplier" => Some(
            "removed: investment now comes from the projects signed each year \
             (`levers.investment.signed_per_year`, docs/MODEL.md §3.8)",
        ),
        _ => None,
    }
}

/// The closest known name to a misspelt one, if it is close enough to be a typo.
pub fn nearest<'a>(name: &str, options: &[&'a str]) -> Option<&'a str> {
    options
        .iter()
        .map(|o| (edit_distance(name, o), *o))
        .filter(|(d, o)| *d <= 2.max(o.len() / 3))
        .min()
        .map(|(_, o)| o)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn key_segments(key: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push(Segment::Key(name));
        }
        while let Some((index, after)) = rest.split_once(']') {
            if let Ok(i) = index.parse() {
                out.push(Segment::Index(i));
            }
            rest = after.trim_start_matches('[');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            path: "x.toml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn finds_lines_of_nested_keys_and_array_items() {
        let s = source("[a]\nb = 1\n\n[[d]]\nc = 2\n[[d]]\nc = 3\n");
        assert_eq!(s.line_of_key("a.b"), Some(2));
        assert_eq!(s.line_of_key("d[1].c"), Some(7));
        assert_eq!(s.line_of_key("a.missing"), Some(1));
        assert_eq!(s.line_of_key("nothing"), None);
    }

    #[test]
    fn suggests_near_misses() {
        let m =
            explain("unknown field `capcity`, expected one of `name`, `capacity`, `categories`");
        assert!(m.contains("did you mean `capacity`"), "{m}");
    }

    #[test]
    fn a_removed_key_names_what_replaced_it() {
        let m = explain(
            "unknown field `year_multiplier`, expected one of `share_of_value_added`, `blocked_share`, `projects`",
        );
        assert!(m.contains("levers.investment.signed_per_year"), "{m}");
    }

    #[test]
    fn quoted_input_is_cut_in_messages() {
        let long = "x".repeat(2_000_000);
        let m = clip_quotes(&format!("bad name {long:?} and `{long}`: fix it"));
        assert!(m.len() < 1_000, "{}", m.len());
        assert!(m.contains("1999800 more characters"), "{m}");
        assert!(m.ends_with(": fix it"), "{m}");
        assert_eq!(clip_quotes("short `a` \"b\" ok"), "short `a` \"b\" ok");
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_of_bounded_size_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Returns at once instead of waiting for a writer.
        let e = read_regular_file(&fifo, MAX_INPUT_BYTES).unwrap_err();
        assert!(e.contains("named pipe"), "{e}");
        let e = read_regular_file(Path::new("/dev/zero"), MAX_INPUT_BYTES).unwrap_err();
        assert!(e.contains("device"), "{e}");
        let e = read_regular_file(dir.path(), MAX_INPUT_BYTES).unwrap_err();
        assert!(e.contains("folder"), "{e}");
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; 2048]).unwrap();
        let e = read_regular_file(&big, 1024).unwrap_err();
        assert!(e.contains("larger than"), "{e}");
        assert_eq!(read_regular_file(&big, 2048).unwrap().len(), 2048);
        let e = read_regular_file(&dir.path().join("none.toml"), 10).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
    }
}
