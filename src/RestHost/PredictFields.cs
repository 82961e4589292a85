using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>
/// The request fields of <c>/fl_predict</c> for a schema: one field per column, named by a rule rather than a list, so
/// that any schema is served and the prototype's German names keep working.
/// </summary>
/// <remarks>
/// A column's field is its name with spaces as underscores, lower-cased unless the name is all capitals
/// (<c>Saving accounts</c> → <c>saving_accounts</c>, <c>Age</c> → <c>age</c>, <c>LIMIT_BAL</c> stays). Field names are
/// matched ignoring case, and the column name itself is accepted too. The one exception is the prototype's name of the
/// German credit amount, <c>credit</c> (<see cref="PrototypeNames"/>), where the rule's <c>credit_amount</c> is accepted too.
/// A bank's own header names of <c>RestHostOptions:ColumnMapping</c> (and their rule spellings) are accepted for their
/// columns as well, so that it scores with the names it trains with.
/// </remarks>
internal sealed class PredictFields
{
    /// <summary>Field names of the original prototype that the rule does not give: (schema, column) → field.</summary>
    private static readonly Dictionary<(string Schema, string Column), string> PrototypeNames = new()
    {
        [(CreditSchemas.GermanCreditName, "Credit amount")] = "credit",
    };

    private readonly Dictionary<string, int> _columnOf = new(StringComparer.OrdinalIgnoreCase);

    public PredictFields(FeatureSchema schema, IReadOnlyDictionary<string, string>? bankHeaders = null)
    {
        Schema = schema;
        IReadOnlyList<FeatureColumn> columns = schema.Columns;
        Names = [.. columns.Select(c => PrototypeNames.GetValueOrDefault((schema.Name, c.Name)) ?? Rule(c.Name))];
        for (int c = 0; c < columns.Count; c++)
        {
            if (!_columnOf.TryAdd(Names[c], c))
            {
                throw new InvalidOperationException($"The columns '{columns[_columnOf[Names[c]]].Name}' and '{columns[c].Name}' of the schema '{schema.Name}' have the same request field '{Names[c]}' (names are matched ignoring case).");
            }
        }

        // Secondary spellings, only where they are not another column's field.
        var alternatives = new List<string>[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            alternatives[c] = [];
            foreach (string name in new[] { Rule(columns[c].Name), columns[c].Name, columns[c].Name.Replace(' ', '_') })
            {
                if (_columnOf.TryAdd(name, c) && !string.Equals(name, Names[c], StringComparison.OrdinalIgnoreCase))
                {
                    alternatives[c].Add(name);
                }
            }
        }

        // The bank's own names (RestHostOptions:ColumnMapping, header → column) score too, as they train: one mapping for
        // the data set and the request.
        foreach ((string header, string column) in bankHeaders ?? new Dictionary<string, string>())
        {
            int c = Enumerable.Range(0, columns.Count).FirstOrDefault(i => string.Equals(columns[i].Name, column, StringComparison.Ordinal), -1);
            if (c < 0)
            {
                continue;
            }

            foreach (string name in new[] { header, Rule(header) })
            {
                if (_columnOf.TryGetValue(name, out int taken) && taken != c)
                {
                    throw new InvalidOperationException($"The bank's header '{header}' (RestHostOptions:ColumnMapping) is the request field of the column '{columns[taken].Name}' too (names are matched ignoring case).");
                }

                if (_columnOf.TryAdd(name, c))
                {
                    alternatives[c].Add(name);
                }
            }
        }

        Alternatives = [.. alternatives.Select(a => (IReadOnlyList<string>)[.. a.Distinct(StringComparer.OrdinalIgnoreCase)])];
    }

    /// <summary>Gets the schema served (<see cref="HostSchema"/>).</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Gets the field name of each column, in column order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets the other accepted spellings of each column's field, in column order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Alternatives { get; }

    /// <summary>
    /// Maps request fields onto an applicant keyed by column name. Never throws for any fields (see the fuzzing property
    /// in the tests): a field that is no column's, or two fields for one column, are listed in <c>errors</c> keyed by the
    /// field as given; absent optional categories are listed in <c>assumptions</c>.
    /// </summary>
    public (Applicant Applicant, Dictionary<string, string[]> Errors, List<string> Assumptions, string[] FieldOfColumn) Parse(IReadOnlyDictionary<string, string?> fields)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var assumptions = new List<string>();
        IReadOnlyList<FeatureColumn> columns = Schema.Columns;
        string[] fieldOf = [.. Names];
        string?[] given = new string?[columns.Count];
        var values = new List<KeyValuePair<string, string?>>();
        foreach ((string name, string? value) in fields)
        {
            if (!_columnOf.TryGetValue(name, out int c))
            {
                string field = Excerpt.Of(name);
                errors[field] = [$"{field} is not a field of this host's schema '{Schema.Name}' v{Schema.Version} (see /openapi/v1.json)."];
                continue;
            }

            if (given[c] is not null)
            {
                // Two values for one column: picking either silently could score the wrong applicant.
                errors[Names[c]] = [$"Give either {given[c]} or {Excerpt.Of(name)}, not both."];

                // The column's value is dropped below; keyed by the first spelling, its "missing" problem would name a
                // field the caller did give (docs/claims.md, D3).
                fieldOf[c] = Names[c];
                continue;
            }

            given[c] = Excerpt.Of(name);
            fieldOf[c] = given[c]!;
            if (!string.IsNullOrWhiteSpace(value))
            {
                values.Add(new KeyValuePair<string, string?>(columns[c].Name, value));
            }
        }

        for (int c = 0; c < columns.Count; c++)
        {
            if (errors.ContainsKey(Names[c]))
            {
                values.RemoveAll(v => v.Key == columns[c].Name);
            }
            else if (columns[c].MissingAs is { } missingAs && !values.Any(v => v.Key == columns[c].Name))
            {
                assumptions.Add($"{Names[c]} was not given: treated as '{missingAs}'.");
            }
        }

        return (new Applicant(values), errors, assumptions, fieldOf);
    }

    /// <summary>Why a schema cannot be served (two columns with one field name), or null.</summary>
    public static string? Problem(FeatureSchema schema, IReadOnlyDictionary<string, string>? bankHeaders = null)
    {
        try
        {
            _ = new PredictFields(schema, bankHeaders);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    private static string Rule(string column)
    {
        string snake = column.Replace(' ', '_');
        return column.Any(char.IsLower) ? snake.ToLowerInvariant() : snake;
    }
}
