//! Numeric bounds and name patterns in the scenario's JSON Schema, taken from the checks
//! `validate` runs, so the two cannot disagree: an editor with the schema (Taplo, VS Code's
//! Even Better TOML) flags `share = 1.4`, `capacity = 0` or `name = "bad name"` with the
//! limits `reformsim validate` uses.
//!
//! The checks are run on the shipped baseline and record each bound they apply to a key
//! path (`departments[0].capacity`: at least 1). Each bound is written at that path in the
//! schema. A path that runs through a shared definition (`PerTier`, used for shares and for
//! sizes alike) gets its own copy of the definition there, so a bound never reaches another
//! key that shares the type.

use serde_json::{Map, Value};

use super::validate::Bound;
use crate::sweep::keypath::{self, Segment};

/// The pattern of a name that becomes an output folder (`name_problem`'s rule).
pub const NAME_PATTERN: &str = "^[A-Za-z0-9_-]{1,100}$";

/// Writes `bounds` into `schema` (a schemars document with `$defs`). Returns the key paths
/// it could not place, which a test keeps empty.
pub(super) fn apply(schema: &mut Value, bounds: &[Bound]) -> Vec<String> {
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut missed = Vec::new();
    for b in bounds {
        let Ok(path) = keypath::parse(&b.key) else {
            missed.push(b.key.clone());
            continue;
        };
        match slot(schema, &path, &defs) {
            Some(node) => set_bound(node, b),
            None => missed.push(b.key.clone()),
        }
    }
    missed
}

/// The schema node of the value at `path`, with every definition on the way inlined.
fn slot<'a>(
    mut node: &'a mut Value,
    path: &[Segment],
    defs: &Map<String, Value>,
) -> Option<&'a mut Value> {
    for segment in path {
        node = concrete(node, defs)?;
        node = match segment {
            Segment::Key(k) => {
                let has_property = node
                    .get("properties")
                    .and_then(|p| p.get(k.as_str()))
                    .is_some();
                if has_property {
                    node.get_mut("properties")?.get_mut(k.as_str())?
                } else {
                    // A map's entry (`population.chains.auto`).
                    node.get_mut("additionalProperties")
                        .filter(|v| v.is_object())?
                }
            }
            Segment::Index(_) => node.get_mut("items")?,
        };
    }
    concrete(node, defs)
}

/// `node` with a `$ref` replaced by a copy of its definition (keeping the node's own
/// description and default), descended into the non-null branch of an optional value.
fn concrete<'a>(mut node: &'a mut Value, defs: &Map<String, Value>) -> Option<&'a mut Value> {
    for _ in 0..16 {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/$defs/")?;
            let mut def = defs.get(name)?.clone();
            let own = node.as_object_mut()?;
            own.remove("$ref");
            if let Some(def) = def.as_object_mut() {
                for (k, v) in std::mem::take(own) {
                    def.insert(k, v);
                }
            }
            *node = def;
            continue;
        }
        let branches = ["anyOf", "oneOf", "allOf"]
            .into_iter()
            .find(|k| node.get(*k).is_some_and(Value::is_array));
        if let Some(branches) = branches {
            let list = node.get_mut(branches)?.as_array_mut()?;
            let i = list
                .iter()
                .position(|b| b.get("type").and_then(Value::as_str) != Some("null"))?;
            node = &mut list[i];
            continue;
        }
        return Some(node);
    }
    None
}

/// Sets the `pattern` of the string at `key`; false if the schema has no such key.
pub(super) fn set_pattern(schema: &mut Value, key: &str, pattern: &str) -> bool {
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Ok(path) = keypath::parse(key) else {
        return false;
    };
    match slot(schema, &path, &defs).and_then(Value::as_object_mut) {
        Some(node) => {
            node.insert("pattern".into(), Value::from(pattern));
            true
        }
        None => false,
    }
}

fn set_bound(node: &mut Value, b: &Bound) {
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    let mut tighten = |key: &str, v: Option<f64>, larger_is_tighter: bool| {
        let Some(v) = v else { return };
        let v = match obj.get(key).and_then(Value::as_f64) {
            Some(old) if larger_is_tighter => old.max(v),
            Some(old) => old.min(v),
            None => v,
        };
        obj.insert(key.to_owned(), number(v));
    };
    tighten("minimum", b.minimum, true);
    tighten("exclusiveMinimum", b.exclusive_minimum, true);
    tighten("maximum", b.maximum, false);
}

/// Whole bounds as JSON integers (`1`, not `1.0`), so they read as written.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(key: &str, min: f64, max: f64) -> Bound {
        Bound {
            key: key.to_owned(),
            minimum: Some(min),
            exclusive_minimum: None,
            maximum: Some(max),
        }
    }

    #[test]
    fn a_bound_through_a_shared_definition_reaches_only_its_own_key() {
        let mut schema = serde_json::json!({
            "properties": {
                "shares": {"$ref": "#/$defs/PerTier", "description": "shares"},
                "sizes": {"$ref": "#/$defs/PerTier"},
                "list": {"type": "array", "items": {"$ref": "#/$defs/Dept"}},
                "opt": {"anyOf": [{"$ref": "#/$defs/PerTier"}, {"type": "null"}]}
            },
            "$defs": {
                "PerTier": {"type": "object", "properties": {"other": {"type": "number"}}},
                "Dept": {"type": "object", "properties": {"capacity": {"type": "integer"}}}
            }
        });
        let missed = apply(
            &mut schema,
            &[
                bound("shares.other", 0.0, 1.0),
                bound("list[3].capacity", 1.0, 1e9),
                bound("opt.other", 0.0, 2.0),
                bound("nowhere.x", 0.0, 1.0),
            ],
        );
        assert_eq!(missed, vec!["nowhere.x".to_owned()]);
        let p = &schema["properties"];
        assert_eq!(p["shares"]["properties"]["other"]["maximum"], 1);
        assert_eq!(p["shares"]["description"], "shares");
        assert!(
            p["sizes"].get("$ref").is_some(),
            "the other use keeps the shared type"
        );
        assert_eq!(p["list"]["items"]["properties"]["capacity"]["minimum"], 1);
        assert_eq!(p["opt"]["anyOf"][0]["properties"]["other"]["maximum"], 2);
        assert!(
            schema["$defs"]["PerTier"]["properties"]["other"]
                .get("maximum")
                .is_none()
        );
    }

    #[test]
    fn every_bound_validate_checks_on_the_baseline_has_its_place_in_the_schema() {
        let mut schema =
            serde_json::to_value(schemars::schema_for!(crate::scenario::Scenario)).unwrap();
        let baseline: crate::scenario::Scenario =
            toml::from_str(include_str!("../../scenarios/chengdu-baseline.toml")).unwrap();
        let bounds = super::super::validate::bounds(&baseline);
        assert!(bounds.len() > 100, "{} bounds", bounds.len());
        let missed = apply(&mut schema, &bounds);
        assert!(missed.is_empty(), "not in the schema: {missed:?}");
        assert!(set_pattern(&mut schema, "scenario.name", NAME_PATTERN));
    }
}
