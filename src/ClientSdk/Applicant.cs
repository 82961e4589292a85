using System.Collections.ObjectModel;
using System.Globalization;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// One applicant of any <see cref="FeatureSchema"/>: raw values keyed by column name (such as <c>LIMIT_BAL</c> or
/// <c>Saving accounts</c>), as a bank's front end or the REST host receives them. A value is text or a number and is
/// read with the same rules as a CSV cell of that column; <see cref="CreditPredictor"/> validates every field
/// against the schema at once and reports every bad one (<see cref="ApplicantValidationException"/>). Immutable.
/// </summary>
/// <remarks>
/// <para>Names are matched exactly (ordinal), as CSV headers are. What the schema requires of an applicant: every
/// numeric column that is not protected, and every categorical column that is not protected and declares no
/// <see cref="FeatureColumn.MissingAs"/> category. A protected column (<see cref="FeatureColumn.IsProtected"/>) may
/// be left out, since the model never reads it; when it is given, it is still validated. A field that is not a
/// column of the schema is an error, so that a misspelt optional field is never silently scored as absent.</para>
/// <example><code>
/// var applicant = new Applicant(new Dictionary&lt;string, object?&gt; { ["LIMIT_BAL"] = 20000, ["EDUCATION"] = "2", ["PAY_0"] = -1 });
/// </code></example>
/// </remarks>
public sealed class Applicant
{
    /// <summary>Initialises an applicant from raw text values.</summary>
    /// <param name="fields">The values keyed by column name; a <see langword="null"/> or blank value is an absent one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fields"/> or a name is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is given twice.</exception>
    public Applicant(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string name, string? value) in fields)
        {
            Add(values, name, value, nameof(fields));
        }

        Fields = new ReadOnlyDictionary<string, string?>(values);
    }

    /// <summary>Initialises an applicant from values that are text or numbers.</summary>
    /// <param name="fields">
    /// The values keyed by column name: a <see cref="string"/>, any .NET number (written in invariant culture, a
    /// <see cref="double"/> in round-trip form), or <see langword="null"/> for an absent value.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="fields"/> or a name is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is given twice, or a value is neither text nor a number.</exception>
    public Applicant(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string name, object? value) in fields)
        {
            Add(values, name, value switch
            {
                null => null,
                string text => text,
                double number => number.ToString("R", CultureInfo.InvariantCulture),
                float number => ((double)number).ToString("R", CultureInfo.InvariantCulture),
                byte or sbyte or short or ushort or int or uint or long or ulong or decimal => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
                _ => throw new ArgumentException($"The value of '{CsvDatasetReader.Excerpt(name ?? string.Empty)}' is a {value.GetType().Name}; a field is text or a number.", nameof(fields)),
            },
            nameof(fields));
        }

        Fields = new ReadOnlyDictionary<string, string?>(values);
    }

    /// <summary>Gets the raw values keyed by column name; a number appears as its invariant text.</summary>
    public IReadOnlyDictionary<string, string?> Fields { get; }

    /// <summary>Checks the applicant against a schema without scoring it.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="allowUnknownCategories">
    /// Whether a categorical value outside the vocabulary (and its aliases) goes to the column's unknown bucket instead
    /// of being refused.
    /// </param>
    /// <returns>
    /// The problems of each bad field, keyed by column name (or by the given name, for a field that is not a column);
    /// empty when the applicant is valid. A field can be: not a column of the schema, missing though required, not a
    /// number, outside the declared range, or not in the vocabulary.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> is <see langword="null"/>.</exception>
    public IReadOnlyDictionary<string, string[]> Validate(FeatureSchema schema, bool allowUnknownCategories = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ApplicantReader.Read(schema, Fields, allowUnknownCategories, out Dictionary<string, string[]> errors);
        return errors;
    }

    private static void Add(Dictionary<string, string?> values, string name, string? value, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (!values.TryAdd(name, value))
        {
            throw new ArgumentException($"The field '{CsvDatasetReader.Excerpt(name)}' is given twice; give each field once.", parameterName);
        }
    }
}
