using System.Security.Cryptography;
using System.Text;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// The declared input of a model: which CSV columns it reads, how each becomes features, and which column
/// holds the label. Every bank of a training session uses the same schema, identified by its <see cref="Hash"/>.
/// Immutable.
/// </summary>
/// <remarks>
/// <para>The encoded features of one row are the unprotected columns' features in column order: a numeric column gives
/// 2·(clamp(t(x), t(min), t(max)) − t(min)) / (t(max) − t(min)) − 1 ∈ [−1, 1], t its transform (identity, or the
/// signed log of <see cref="NumericTransform.Log"/>); a categorical column gives a one-hot block over its
/// vocabulary plus an "unknown" bucket; a protected column (<see cref="FeatureColumn.IsProtected"/>) gives none. So
/// every encoded row x has ‖x‖₂ ≤ √(number of unprotected columns) (<see cref="MaxEncodedNorm"/>), the bound that
/// per-example gradient clipping relies on.</para>
/// <para>The JSON form (see <see cref="ToJson"/>):
/// <c>{"name":…,"version":…,"columns":[{"name":"Age","kind":"numeric","min":18,"max":100},
/// {"name":"Saving accounts","kind":"categorical","vocabulary":[…],"aliases":{"NA":"none"},"missingAs":"none"},…],
/// "label":{"column":"Risk","positive":"bad","negative":"good"}}</c>.</para>
/// </remarks>
public sealed class FeatureSchema
{
    /// <summary>The longest schema name, in characters.</summary>
    public const int MaxNameLength = 128;

    private readonly string _canonicalJson;

    /// <summary>Creates a schema.</summary>
    /// <param name="name">The schema name, such as <c>german-credit</c>: 1 to <see cref="MaxNameLength"/> characters without surrounding whitespace.</param>
    /// <param name="version">The schema version, from 1.</param>
    /// <param name="columns">The input columns in encoding order: at least one, with distinct names.</param>
    /// <param name="labelColumn">The CSV header name of the label column; not one of <paramref name="columns"/>.</param>
    /// <param name="positiveLabel">The label value of the positive class (encoded 1), such as <c>bad</c> for a default.</param>
    /// <param name="negativeLabel">The label value of the negative class (encoded 0), such as <c>good</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A rule above is broken; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is below 1.</exception>
    public FeatureSchema(string name, int version, IEnumerable<FeatureColumn> columns, string labelColumn, string positiveLabel, string negativeLabel)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(labelColumn);
        ArgumentNullException.ThrowIfNull(positiveLabel);
        ArgumentNullException.ThrowIfNull(negativeLabel);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        FeatureColumn[] columnArray = [.. columns];
        SchemaError? error = Validate(name, columnArray, labelColumn, positiveLabel, negativeLabel);
        if (error is not null)
        {
            throw new ArgumentException(error.Message, error.ParameterName);
        }

        Name = name;
        Version = version;
        Columns = Array.AsReadOnly(columnArray);
        LabelColumn = labelColumn;
        PositiveLabel = positiveLabel;
        NegativeLabel = negativeLabel;
        Encoder = new FeatureEncoder(columnArray);
        FeatureNames = Array.AsReadOnly(BuildFeatureNames(columnArray));
        MaxEncodedNorm = Math.Sqrt(columnArray.Count(c => !c.IsProtected));
        _canonicalJson = SchemaJson.Write(this, indented: false);
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_canonicalJson)));
    }

    /// <summary>Gets the schema name.</summary>
    public string Name { get; }

    /// <summary>Gets the schema version.</summary>
    public int Version { get; }

    /// <summary>Gets the input columns in encoding order.</summary>
    public IReadOnlyList<FeatureColumn> Columns { get; }

    /// <summary>Gets the CSV header name of the label column.</summary>
    public string LabelColumn { get; }

    /// <summary>Gets the label value of the positive class, encoded 1 (for credit: the default, <c>bad</c>).</summary>
    public string PositiveLabel { get; }

    /// <summary>Gets the label value of the negative class, encoded 0 (for credit: <c>good</c>).</summary>
    public string NegativeLabel { get; }

    /// <summary>Gets F, the number of model features: the sum of the columns' <see cref="FeatureColumn.EncodedLength"/>.</summary>
    /// <remarks>A logistic-regression model over this schema has F + 1 weights: the bias first, then one per feature.</remarks>
    public int EncodedLength => Encoder.EncodedLength;

    /// <summary>
    /// Gets the names of the F model features in order: a numeric column's name, or <c>column=category</c> for
    /// each category and <c>column=(unknown)</c> for the unknown bucket of a categorical column.
    /// </summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Gets the protected columns: read, validated and kept for reporting, never model features.</summary>
    public IReadOnlyList<FeatureColumn> ProtectedColumns => [.. Columns.Where(c => c.IsProtected)];

    /// <summary>Gets √(number of unprotected columns), a bound on the L2 norm of every encoded row (without the bias input).</summary>
    public double MaxEncodedNorm { get; }

    /// <summary>
    /// Gets the lowercase hexadecimal SHA-256 of the canonical JSON form (<see cref="ToJson"/> without
    /// indentation): two schemas with the same hash encode every row identically.
    /// </summary>
    public string Hash { get; }

    internal FeatureEncoder Encoder { get; }

    /// <summary>Reads and validates a schema from its JSON form.</summary>
    /// <param name="json">The JSON document.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The document is not valid JSON, misses or misspells a property, has a value of the wrong type, or breaks a
    /// rule of the schema; the message names the JSON path and the rule.
    /// </exception>
    public static FeatureSchema FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return SchemaJson.Read(json);
    }

    /// <summary>Writes the schema as JSON; the form without indentation is canonical and is what <see cref="Hash"/> hashes.</summary>
    /// <param name="indented">Whether to indent the document for people to read.</param>
    /// <returns>The JSON document; <see cref="FromJson"/> reads it back to an equal schema.</returns>
    public string ToJson(bool indented = false) => indented ? SchemaJson.Write(this, indented: true) : _canonicalJson;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} v{Version} ({Hash[..12]})";

    internal static SchemaError? Validate(string name, IReadOnlyList<FeatureColumn?> columns, string labelColumn, string positiveLabel, string negativeLabel)
    {
        if (!FeatureColumn.IsCleanToken(name) || name.Length > MaxNameLength)
        {
            return new SchemaError($"The schema name '{name}' must be 1 to {MaxNameLength} characters without surrounding whitespace or control characters.", nameof(name));
        }

        if (columns.Count == 0)
        {
            return new SchemaError("A schema needs at least one column.", nameof(columns));
        }

        if (columns.All(c => c is { IsProtected: true }))
        {
            return new SchemaError("A schema needs at least one column that is not protected: the model has no features otherwise.", nameof(columns));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (FeatureColumn? column in columns)
        {
            if (column is null)
            {
                return new SchemaError("A column is null.", nameof(columns));
            }

            if (!names.Add(column.Name))
            {
                return new SchemaError($"The column name '{column.Name}' appears twice.", nameof(columns));
            }
        }

        if (!FeatureColumn.IsCleanToken(labelColumn))
        {
            return new SchemaError($"The label column name '{labelColumn}' is empty or has surrounding whitespace or control characters.", nameof(labelColumn));
        }

        if (names.Contains(labelColumn))
        {
            return new SchemaError($"The label column '{labelColumn}' is also an input column.", nameof(labelColumn));
        }

        if (!FeatureColumn.IsCleanToken(positiveLabel))
        {
            return new SchemaError($"The positive label '{positiveLabel}' is empty or has surrounding whitespace or control characters.", nameof(positiveLabel));
        }

        if (!FeatureColumn.IsCleanToken(negativeLabel))
        {
            return new SchemaError($"The negative label '{negativeLabel}' is empty or has surrounding whitespace or control characters.", nameof(negativeLabel));
        }

        return string.Equals(positiveLabel, negativeLabel, StringComparison.Ordinal)
            ? new SchemaError($"The positive and negative labels are both '{positiveLabel}'.", nameof(negativeLabel))
            : null;
    }

    private static string[] BuildFeatureNames(FeatureColumn[] columns)
    {
        var names = new List<string>();
        foreach (FeatureColumn column in columns)
        {
            if (column.IsProtected)
            {
                continue;
            }

            if (column.Kind == FeatureKind.Numeric)
            {
                names.Add(column.Name);
                continue;
            }

            names.AddRange(column.Vocabulary.Select(category => $"{column.Name}={category}"));
            names.Add($"{column.Name}={FeatureColumn.UnknownCategory}");
        }

        return [.. names];
    }
}
