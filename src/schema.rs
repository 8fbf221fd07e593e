//! JSON Schemas of every kind of content file, for editors: generated (with `schemars`) from
//! the very types serde reads the files into (`model.rs`), so a schema cannot drift from the
//! loader. Pure: `govsite schema` writes what `schemas` returns.

use schemars::generate::SchemaSettings;
use schemars::transform::{transform_subschemas, Transform};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::model::{
    Control, Exception, Framework, Incident, Person, Process, ProcessReview, SiteConfig, Team,
};
use crate::output::OutputFile;

/// One kind of content file and its schema's file name.
pub struct Kind {
    /// The schema's file name, e.g. `control.schema.json`.
    pub file: &'static str,
    /// The files it describes, relative to the content directory, as a glob.
    pub describes: &'static str,
    /// A YAML file (not the front matter of Markdown records).
    pub yaml: bool,
    schema: fn() -> Schema,
}

/// Every kind of content file, in the order of `docs/content-format.md`.
pub const KINDS: [Kind; 9] = [
    kind::<SiteConfig>("site.schema.json", "site.yaml", true),
    kind::<Vec<Person>>("people.schema.json", "people.yaml", true),
    kind::<Vec<Team>>("teams.schema.json", "teams.yaml", true),
    kind::<Vec<Framework>>("frameworks.schema.json", "frameworks.yaml", true),
    kind::<Control>("control.schema.json", "controls/**/*.md", false),
    kind::<Process>("process.schema.json", "processes/**/*.md", false),
    kind::<Exception>("exception.schema.json", "exceptions/**/*.md", false),
    kind::<Incident>("incident.schema.json", "incidents/**/*.md", false),
    kind::<ProcessReview>("review.schema.json", "reviews/**/*.md", false),
];

const fn kind<T: JsonSchema>(file: &'static str, describes: &'static str, yaml: bool) -> Kind {
    Kind {
        file,
        describes,
        yaml,
        schema: schema_of::<T>,
    }
}

impl Kind {
    /// The schema, as an editor reads it.
    pub fn schema(&self) -> Schema {
        let mut schema = (self.schema)();
        // An empty YAML file is read as no settings, or an empty list.
        if self.yaml {
            add_types(&mut schema, &["null"]);
        }
        let title = if self.yaml {
            format!("govsite {}", self.describes)
        } else {
            format!("govsite {}: the front matter", self.describes)
        };
        schema.insert("title".into(), Value::String(title));
        schema
    }
}

/// Every schema, pretty-printed, one file per kind.
pub fn schemas() -> serde_json::Result<Vec<OutputFile>> {
    KINDS
        .iter()
        .map(|kind| {
            let mut text = serde_json::to_string_pretty(&kind.schema())?;
            text.push('\n');
            Ok(OutputFile::new(kind.file, text))
        })
        .collect()
}

/// Draft 7, which editors support best, widened to what YAML reads.
fn schema_of<T: JsonSchema>() -> Schema {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>();
    YamlScalars.transform(&mut schema);
    schema
}

/// Widens text to what serde_yaml reads as text: a plain scalar such as `1984` or `true` is
/// read as the text `"1984"` or `"true"` into a text field, and an optional field left empty
/// (`title:`) takes its default, although converted to JSON both are other types.
struct YamlScalars;

impl Transform for YamlScalars {
    fn transform(&mut self, schema: &mut Schema) {
        if is_plain_text(schema.as_value()) {
            add_types(schema, &["number", "boolean"]);
        }
        let required: Vec<Value> = match schema.get("required") {
            Some(Value::Array(required)) => required.clone(),
            _ => Vec::new(),
        };
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                let optional = !required.contains(&Value::String(name.clone()));
                if optional && (has_type(property, "string") || has_type(property, "array")) {
                    if let Ok(property) = <&mut Schema>::try_from(property) {
                        add_types(property, &["null"]);
                    }
                }
            }
        }
        transform_subschemas(self, schema);
    }
}

/// Text of any form: no enum, date format or pattern that a number would not meet.
fn is_plain_text(schema: &Value) -> bool {
    let constrained = ["enum", "const", "format", "pattern"];
    has_type(schema, "string") && !constrained.iter().any(|key| schema.get(key).is_some())
}

fn has_type(schema: &Value, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(one)) => one == name,
        Some(Value::Array(many)) => many.iter().any(|t| t == name),
        _ => false,
    }
}

/// Adds `names` to the schema's `type` (made a list), each once.
fn add_types(schema: &mut Schema, names: &[&str]) {
    let mut types: Vec<Value> = match schema.get("type") {
        Some(Value::String(one)) => vec![Value::String(one.clone())],
        Some(Value::Array(many)) => many.clone(),
        _ => return,
    };
    for name in names {
        let name = Value::String(name.to_string());
        if !types.contains(&name) {
            types.push(name);
        }
    }
    schema.insert("type".into(), Value::Array(types));
}
