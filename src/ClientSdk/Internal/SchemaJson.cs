using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// The JSON form of a <see cref="FeatureSchema"/>. Writing is canonical: a fixed property order, aliases
/// sorted by ordinal key, absent optional members left out, numbers in their shortest round-trip form
/// (<see cref="CanonicalNumber"/>) and no indentation, so the same schema always gives the same bytes (and so the same hash). Reading is strict:
/// unknown, duplicate or missing properties and wrong types are refused, each naming its JSON path.
/// </summary>
internal static class SchemaJson
{
    private const string Numeric = "numeric";
    private const string Categorical = "categorical";

    private static readonly string[] RootProperties = ["$schema", "name", "version", "columns", "label"];
    private static readonly string[] RootRequired = ["name", "version", "columns", "label"];
    private const string LogTransform = "log";

    private static readonly string[] NumericProperties = ["name", "kind", "min", "max", "transform", "clip", "protected"];
    private static readonly string[] NumericRequired = ["name", "kind", "min", "max"];
    private static readonly string[] CategoricalProperties = ["name", "kind", "vocabulary", "aliases", "missingAs", "protected"];
    private static readonly string[] CategoricalRequired = ["name", "kind", "vocabulary"];
    private static readonly string[] LabelProperties = ["column", "positive", "negative"];

    public static string Write(FeatureSchema schema, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, NewLine = "\n" }))
        {
            writer.WriteStartObject();
            writer.WriteString("name", schema.Name);
            writer.WriteNumber("version", schema.Version);
            writer.WriteStartArray("columns");
            foreach (FeatureColumn column in schema.Columns)
            {
                WriteColumn(writer, column);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("label");
            writer.WriteString("column", schema.LabelColumn);
            writer.WriteString("positive", schema.PositiveLabel);
            writer.WriteString("negative", schema.NegativeLabel);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static FeatureSchema Read(string json)
    {
        try
        {
            return ReadDocument(json);
        }
        catch (InvalidOperationException exception)
        {
            // System.Text.Json parses escaped lone surrogates and only refuses them when the text is read.
            throw new FormatException($"The schema holds text that is not valid Unicode: {exception.Message}", exception);
        }
    }

    private static FeatureSchema ReadDocument(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException exception)
        {
            throw new FormatException($"The schema is not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            CheckObject(root, "$", RootProperties, RootRequired);

            // "$schema" names the JSON Schema for editors; it is not part of the schema, nor of its canonical form.
            _ = GetOptionalString(root, "$schema", "$");
            string name = GetString(root, "name", "$");
            JsonElement versionElement = root.GetProperty("version");
            if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out int version) || version < 1)
            {
                throw Fail("$.version", "must be an integer from 1.");
            }

            JsonElement columnsElement = root.GetProperty("columns");
            if (columnsElement.ValueKind != JsonValueKind.Array)
            {
                throw Fail("$.columns", "must be an array of columns.");
            }

            var columns = new List<FeatureColumn>();
            var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            int index = 0;
            foreach (JsonElement columnElement in columnsElement.EnumerateArray())
            {
                FeatureColumn column = ReadColumn(columnElement, $"$.columns[{index}]");
                if (!firstIndex.TryAdd(column.Name, index))
                {
                    throw Fail($"$.columns[{index}].name", $"The column name '{column.Name}' appears twice (also $.columns[{firstIndex[column.Name]}]).");
                }

                columns.Add(column);
                index++;
            }

            JsonElement label = root.GetProperty("label");
            CheckObject(label, "$.label", LabelProperties, LabelProperties);
            string labelColumn = GetString(label, "column", "$.label");
            string positive = GetString(label, "positive", "$.label");
            string negative = GetString(label, "negative", "$.label");

            SchemaError? error = FeatureSchema.Validate(name, columns, labelColumn, positive, negative);
            if (error is not null)
            {
                string path = error.ParameterName switch
                {
                    "name" => "$.name",
                    "labelColumn" => "$.label.column",
                    "positiveLabel" => "$.label.positive",
                    "negativeLabel" => "$.label.negative",
                    _ => "$.columns",
                };
                throw Fail(path, error.Message);
            }

            return new FeatureSchema(name, version, columns, labelColumn, positive, negative);
        }
    }

    private static void WriteColumn(Utf8JsonWriter writer, FeatureColumn column)
    {
        writer.WriteStartObject();
        writer.WriteString("name", column.Name);
        if (column.Kind == FeatureKind.Numeric)
        {
            writer.WriteString("kind", Numeric);
            writer.WritePropertyName("min");
            writer.WriteRawValue(CanonicalNumber.Format(column.Minimum!.Value), skipInputValidation: true);
            writer.WritePropertyName("max");
            writer.WriteRawValue(CanonicalNumber.Format(column.Maximum!.Value), skipInputValidation: true);
            if (column.Transform == NumericTransform.Log)
            {
                writer.WriteString("transform", LogTransform);
            }

            // Written only when set, like "protected": a schema without clipping keeps its canonical form and hash.
            if (column.ClipsOutOfRange)
            {
                writer.WriteBoolean("clip", true);
            }
        }
        else
        {
            writer.WriteString("kind", Categorical);
            writer.WriteStartArray("vocabulary");
            foreach (string category in column.Vocabulary)
            {
                writer.WriteStringValue(category);
            }

            writer.WriteEndArray();
            if (column.Aliases.Count > 0)
            {
                writer.WriteStartObject("aliases");
                foreach (KeyValuePair<string, string> alias in column.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(alias.Key, alias.Value);
                }

                writer.WriteEndObject();
            }

            if (column.MissingAs is not null)
            {
                writer.WriteString("missingAs", column.MissingAs);
            }
        }

        // Written only when set, so the canonical form (and hash) of a schema without protected columns is unchanged.
        if (column.IsProtected)
        {
            writer.WriteBoolean("protected", true);
        }

        writer.WriteEndObject();
    }

    private static FeatureColumn ReadColumn(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, "must be an object.");
        }

        string kind = element.TryGetProperty("kind", out JsonElement kindElement) && kindElement.ValueKind == JsonValueKind.String
            ? kindElement.GetString()!
            : throw Fail($"{path}.kind", $"is required and must be \"{Numeric}\" or \"{Categorical}\".");
        FeatureColumn? column;
        SchemaError? error;
        switch (kind)
        {
            case Numeric:
                CheckObject(element, path, NumericProperties, NumericRequired);
                FeatureColumn.TryCreateNumeric(
                    GetString(element, "name", path),
                    GetNumber(element, "min", path),
                    GetNumber(element, "max", path),
                    out column,
                    out error,
                    GetOptionalString(element, "transform", path) switch
                    {
                        null => NumericTransform.None,
                        LogTransform => NumericTransform.Log,
                        string other => throw Fail($"{path}.transform", $"must be \"{LogTransform}\" or absent; got \"{other}\"."),
                    });
                break;
            case Categorical:
                CheckObject(element, path, CategoricalProperties, CategoricalRequired);
                FeatureColumn.TryCreateCategorical(
                    GetString(element, "name", path),
                    GetStringArray(element, "vocabulary", path),
                    GetStringMap(element, "aliases", path),
                    GetOptionalString(element, "missingAs", path),
                    out column,
                    out error);
                break;
            default:
                throw Fail($"{path}.kind", $"must be \"{Numeric}\" or \"{Categorical}\"; got \"{kind}\".");
        }

        if (error is not null)
        {
            string member = error.ParameterName switch
            {
                "maximum" => ".max",
                "vocabulary" => ".vocabulary",
                "aliases" => ".aliases",
                "missingAs" => ".missingAs",
                _ => ".name",
            };
            throw Fail(path + member, error.Message);
        }

        if (GetOptionalBoolean(element, "clip", path))
        {
            column = column!.WithClipping();
        }

        return column!.WithProtection(GetOptionalBoolean(element, "protected", path));
    }

    private static bool GetOptionalBoolean(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail($"{path}.{name}", "must be true or false."),
        };
    }

    private static void CheckObject(JsonElement element, string path, string[] allowed, string[] required)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Fail(path, "must be an object.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Fail($"{path}.{property.Name}", $"is not a known property; expected {string.Join(", ", allowed)}.");
            }

            if (!seen.Add(property.Name))
            {
                throw Fail($"{path}.{property.Name}", "appears twice.");
            }
        }

        foreach (string name in required)
        {
            if (!seen.Contains(name))
            {
                throw Fail($"{path}.{name}", "is required.");
            }
        }
    }

    private static string GetString(JsonElement element, string name, string path)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail($"{path}.{name}", "must be a string.");
    }

    private static string? GetOptionalString(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Fail($"{path}.{name}", "must be a string.");
    }

    private static double GetNumber(JsonElement element, string name, string path)
    {
        JsonElement value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && double.IsFinite(number)
            ? number
            : throw Fail($"{path}.{name}", "must be a finite number.");
    }

    private static string?[] GetStringArray(JsonElement element, string name, string path)
    {
        JsonElement value = element.GetProperty(name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail($"{path}.{name}", "must be an array of strings.");
        }

        var items = new List<string?>();
        int index = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            items.Add(item.ValueKind == JsonValueKind.String ? item.GetString() : throw Fail($"{path}.{name}[{index}]", "must be a string."));
            index++;
        }

        return [.. items];
    }

    private static Dictionary<string, string> GetStringMap(JsonElement element, string name, string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return map;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"{path}.{name}", "must be an object mapping each alias to a category.");
        }

        foreach (JsonProperty property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail($"{path}.{name}.{property.Name}", "must be a string (the category the alias stands for).");
            }

            if (!map.TryAdd(property.Name, property.Value.GetString()!))
            {
                throw Fail($"{path}.{name}.{property.Name}", "appears twice.");
            }
        }

        return map;
    }

    private static FormatException Fail(string path, string message) => new($"Schema JSON, {path}: {message}");
}
