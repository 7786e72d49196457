//! Key paths into a scenario, as sweep parameters name them: `levers.triage.delay_days`,
//! `departments[2].capacity`, or a timeline entry such as
//! `timeline[0].set."levers.triage.delay_days"` (quotes keep a dotted key whole).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Why a key that names a value of the scenario cannot be varied by a sweep or fitted by a
/// calibration, if it cannot: its value never reaches the simulation of a design point. The
/// seed of each run comes from the sweep's master seed and its replicate number; the seeds
/// file decides the KPI columns; a name or description changes no number.
pub fn fixed_key_problem(path: &str) -> Option<String> {
    let why = match path {
        "scenario.seed" => {
            "each run's seed comes from the master seed (`sweep.seed` or `calibration.seed`) \
             and its replicate number; to vary seeds, raise `replicates`"
        }
        "scenario.seeds" => {
            "the seeds file decides the columns of every run; sweep a copy of the scenario \
             that names the other seeds file"
        }
        "scenario.name" | "scenario.description" => "it labels the scenario and changes no number",
        _ => return None,
    };
    Some(format!("`{path}` cannot be varied: {why}"))
}

/// Splits a key path into keys and indices; an error says what is wrong with it.
pub fn parse(path: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let mut chars = path.chars().peekable();
    let mut expect_key = true;
    while let Some(&c) = chars.peek() {
        if expect_key {
            let mut key = String::new();
            if c == '"' {
                chars.next();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some(ch) => key.push(ch),
                        None => return Err(format!("`{path}` has an unclosed quote")),
                    }
                }
            } else {
                while let Some(&ch) = chars.peek() {
                    if ch == '.' || ch == '[' {
                        break;
                    }
                    if ch == '"' {
                        return Err(format!("`{path}`: quote a whole key, not part of one"));
                    }
                    key.push(ch);
                    chars.next();
                }
            }
            if key.is_empty() {
                return Err(format!("`{path}` has an empty key"));
            }
            out.push(Segment::Key(key));
            expect_key = false;
        } else if c == '[' {
            chars.next();
            let mut digits = String::new();
            for ch in chars.by_ref() {
                if ch == ']' {
                    break;
                }
                digits.push(ch);
            }
            let i = digits
                .parse()
                .map_err(|_| format!("`{path}`: `[{digits}]` is not an index"))?;
            out.push(Segment::Index(i));
        } else if c == '.' {
            chars.next();
            expect_key = true;
        } else {
            return Err(format!("`{path}`: unexpected `{c}`"));
        }
    }
    if out.is_empty() || expect_key {
        return Err(format!("`{path}` is not a key path"));
    }
    Ok(out)
}

/// The value at a path in a scenario's JSON tree, if the scenario has that key.
pub fn slot<'a>(tree: &'a mut Value, path: &[Segment]) -> Option<&'a mut Value> {
    let mut node = tree;
    for seg in path {
        node = match seg {
            Segment::Key(k) => node.as_object_mut()?.get_mut(k)?,
            Segment::Index(i) => node.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(node)
}

/// A key path as a reader names it: each list index replaced by the item's `name` where the
/// item has one (`departments[0].capacity` → `departments[commerce].capacity`), so charts
/// and reports do not make a planner count departments. A path with a quoted key, or one
/// the tree does not have, stays as written.
pub fn readable(tree: &Value, path: &str) -> String {
    let Ok(segments) = parse(path) else {
        return path.to_owned();
    };
    let mut node = tree;
    let mut out = String::new();
    for seg in &segments {
        match seg {
            Segment::Key(k) => {
                if k.contains('.') {
                    return path.to_owned();
                }
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
                match node.get(k.as_str()) {
                    Some(next) => node = next,
                    None => return path.to_owned(),
                }
            }
            Segment::Index(i) => {
                let Some(item) = node.get(*i) else {
                    return path.to_owned();
                };
                match item.get("name").and_then(Value::as_str) {
                    Some(name) => out.push_str(&format!("[{name}]")),
                    None => out.push_str(&format!("[{i}]")),
                }
                node = item;
            }
        }
    }
    out
}

/// The key path of `tree` closest to a misspelt `path` (`levers.triage.dealy_days` →
/// `levers.triage.delay_days`), if one is close enough to be a typo.
pub fn nearest_key(tree: &Value, path: &str) -> Option<String> {
    let mut keys = Vec::new();
    leaf_paths(tree, String::new(), &mut keys);
    let options: Vec<&str> = keys.iter().map(String::as_str).collect();
    crate::input::nearest(path, &options).map(str::to_owned)
}

/// Every key path to a value that is neither a table nor a list (the keys a sweep sets).
fn leaf_paths(node: &Value, prefix: String, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaf_paths(v, path, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaf_paths(v, format!("{prefix}[{i}]"), out);
            }
        }
        _ => out.push(prefix),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn readable_paths_name_list_items_and_keep_what_they_cannot() {
        let tree = serde_json::json!({
            "departments": [{"name": "commerce", "capacity": 120}, {"capacity": 5}],
            "levers": {"triage": {"delay_days": 0}}
        });
        assert_eq!(
            readable(&tree, "departments[0].capacity"),
            "departments[commerce].capacity"
        );
        assert_eq!(
            readable(&tree, "departments[1].capacity"),
            "departments[1].capacity"
        );
        assert_eq!(
            readable(&tree, "levers.triage.delay_days"),
            "levers.triage.delay_days"
        );
        assert_eq!(
            readable(&tree, "departments[7].capacity"),
            "departments[7].capacity"
        );
        assert_eq!(readable(&tree, "nowhere.x"), "nowhere.x");
    }

    use super::*;

    #[test]
    fn parses_keys_indices_and_quoted_keys() {
        assert_eq!(
            parse("timeline[0].set.\"levers.triage.delay_days\"").unwrap(),
            vec![
                Segment::Key("timeline".into()),
                Segment::Index(0),
                Segment::Key("set".into()),
                Segment::Key("levers.triage.delay_days".into()),
            ]
        );
        assert_eq!(parse("a.b").unwrap().len(), 2);
        let tree =
            serde_json::json!({"levers": {"triage": {"delay_days": 0}}, "d": [{"capacity": 3}]});
        assert_eq!(
            nearest_key(&tree, "levers.triage.dealy_days").as_deref(),
            Some("levers.triage.delay_days")
        );
        assert_eq!(
            nearest_key(&tree, "d[0].capacty").as_deref(),
            Some("d[0].capacity")
        );
        assert_eq!(nearest_key(&tree, "something.else.entirely"), None);
        for bad in ["", "a.", ".a", "a[x]", "a\"b", "\"open", "a..b"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
