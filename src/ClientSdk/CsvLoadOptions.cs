namespace PrivateFl.ClientSdk;

/// <summary>How <see cref="DatasetLoader"/> reads a bank's CSV: which of the bank's own headers stand for which schema column, and how many rows it takes.</summary>
/// <remarks>
/// A bank keeps its own export: instead of renaming the file's headers to the session's schema, it maps them by
/// configuration. Headers the mapping does not name are matched to schema columns by their own name, as without a
/// mapping.
/// </remarks>
public sealed class CsvLoadOptions
{
    /// <summary>
    /// Gets the mapping from the bank's CSV header names (trimmed, matched exactly) to the schema's column names (an
    /// input column or the label column), such as <c>"Credit limit" → "LIMIT_BAL"</c>. Default: empty.
    /// </summary>
    /// <remarks>
    /// Checked against the schema before any row is read (<see cref="Validate"/>): every target must be a column of
    /// the schema, no two headers may map to the same column, and no name may be empty or padded with white space. A
    /// mapped header missing from the file is reported as a <see cref="DataProblem"/> naming both names.
    /// </remarks>
    public IDictionary<string, string> ColumnMapping { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the most data rows read; a further row is a problem and reading stops there. Default: <see cref="int.MaxValue"/>.</summary>
    public int MaxRows { get; set; } = int.MaxValue;

    /// <summary>Checks these options against a schema, naming every bad entry of <see cref="ColumnMapping"/> at once.</summary>
    /// <param name="schema">The schema the data must match.</param>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// A mapping entry names a column the schema does not have, two headers map to the same column, or a name is empty
    /// or padded; or <see cref="MaxRows"/> is below 1. The message lists every problem.
    /// </exception>
    public void Validate(FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var problems = new List<string>(Problems(ColumnMapping, schema));
        if (MaxRows < 1)
        {
            problems.Add($"CsvLoadOptions.MaxRows is {MaxRows}; it must be at least 1.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>
    /// Lists what is wrong with a column mapping (bank header → schema column): empty or padded names, two headers
    /// mapped to one column, and, when <paramref name="schema"/> is given, a target the schema does not have.
    /// </summary>
    /// <param name="mapping">The mapping.</param>
    /// <param name="schema">The schema its targets must name; <see langword="null"/> checks the form only (a host that learns the schema later).</param>
    /// <returns>One message per problem, naming the entry as <c>ColumnMapping:{header}</c>; empty when the mapping is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mapping"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> Problems(IEnumerable<KeyValuePair<string, string>> mapping, FeatureSchema? schema)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var problems = new List<string>();
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        HashSet<string>? columns = schema is null ? null : [.. schema.Columns.Select(c => c.Name), schema.LabelColumn];
        foreach ((string header, string target) in mapping)
        {
            if (!FeatureColumn.IsCleanToken(header))
            {
                problems.Add($"ColumnMapping: the header '{header}' is empty or has surrounding white space or control characters (headers are trimmed before they are matched).");
                continue;
            }

            if (!FeatureColumn.IsCleanToken(target))
            {
                problems.Add($"ColumnMapping:{header}: the target '{target}' is empty or has surrounding white space or control characters.");
                continue;
            }

            if (columns is not null && !columns.Contains(target))
            {
                problems.Add($"ColumnMapping:{header}: '{target}' is not a column of schema '{schema!.Name}' (its columns: {string.Join(", ", columns.Select(c => $"'{c}'"))}).");
            }

            if (!targets.TryAdd(target, header))
            {
                problems.Add($"ColumnMapping:{header}: '{target}' is already the target of the header '{targets[target]}'; each schema column takes one header.");
            }
        }

        return problems;
    }
}
