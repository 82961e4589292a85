namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// Reads an <see cref="Applicant"/> against a schema with the rules of a CSV cell (<see cref="FeatureEncoder.TryParse"/>),
/// collecting every bad field instead of stopping at the first.
/// </summary>
internal static class ApplicantReader
{
    /// <summary>Parses every column; absent protected columns parse to a placeholder that is never encoded.</summary>
    public static ParsedValue[] Read(FeatureSchema schema, IReadOnlyDictionary<string, string?> fields, bool allowUnknownCategories, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        IReadOnlyList<FeatureColumn> columns = schema.Columns;
        foreach (string name in fields.Keys)
        {
            if (!columns.Any(c => string.Equals(c.Name, name, StringComparison.Ordinal)))
            {
                errors[CsvDatasetReader.Excerpt(name)] = [UnknownField(schema, name)];
            }
        }

        var values = new ParsedValue[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            FeatureColumn column = columns[c];
            fields.TryGetValue(column.Name, out string? raw);
            if (column.IsProtected && string.IsNullOrWhiteSpace(raw))
            {
                // Not a model input: scoring needs no value, and a value that is given is still checked below.
                values[c] = new ParsedValue(double.NaN, -1, string.Empty);
                continue;
            }

            if (!schema.Encoder.TryParse(c, raw, allowUnknownCategories, out values[c], out string? reason))
            {
                errors[column.Name] = [raw is null ? reason : $"{reason} Got '{CsvDatasetReader.Excerpt(raw)}'."];
            }
        }

        return values;
    }

    private static string UnknownField(FeatureSchema schema, string name)
    {
        if (string.Equals(name, schema.LabelColumn, StringComparison.Ordinal))
        {
            return $"'{schema.LabelColumn}' is the label column of the schema '{schema.Name}': an applicant has no label.";
        }

        string? near = schema.Columns.Select(c => c.Name).FirstOrDefault(c => string.Equals(Fold(c), Fold(name), StringComparison.OrdinalIgnoreCase));
        return $"Not a column of the schema '{schema.Name}' v{schema.Version}"
            + (near is null ? "." : $"; did you mean '{near}'? (names are matched exactly).");
    }

    private static string Fold(string name) => name.Trim().Replace('_', ' ');
}
