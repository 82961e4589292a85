using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// One input column of a <see cref="FeatureSchema"/>: its CSV header name and how it becomes model features.
/// Immutable; create it with <see cref="Numeric(string, double, double)"/> or <see cref="Categorical"/>.
/// </summary>
/// <remarks>
/// A numeric column is scaled by a public, declared range, never by statistics of a bank's own data: a
/// per-bank minimum, maximum or mean would leak information about that bank's customers through the model,
/// and would give every bank a different encoding of the same applicant.
/// </remarks>
public sealed class FeatureColumn
{
    /// <summary>The category name used in <see cref="FeatureSchema.FeatureNames"/> for the unknown bucket.</summary>
    public const string UnknownCategory = "(unknown)";

    private static readonly ReadOnlyDictionary<string, string> NoAliases = new(new Dictionary<string, string>(StringComparer.Ordinal));

    private readonly Dictionary<string, int>? _categoryIndex;

    private FeatureColumn(
        string name,
        FeatureKind kind,
        double? minimum,
        double? maximum,
        IReadOnlyList<string> vocabulary,
        IReadOnlyDictionary<string, string> aliases,
        string? missingAs,
        Dictionary<string, int>? categoryIndex,
        NumericTransform transform = NumericTransform.None,
        bool isProtected = false,
        bool clipsOutOfRange = false)
    {
        Name = name;
        Transform = transform;
        IsProtected = isProtected;
        ClipsOutOfRange = clipsOutOfRange;
        Kind = kind;
        Minimum = minimum;
        Maximum = maximum;
        Vocabulary = vocabulary;
        Aliases = aliases;
        MissingAs = missingAs;
        _categoryIndex = categoryIndex;
    }

    /// <summary>Gets the CSV header name of the column (matched exactly, after trimming surrounding whitespace).</summary>
    public string Name { get; }

    /// <summary>Gets how the column is encoded.</summary>
    public FeatureKind Kind { get; }

    /// <summary>Gets the declared public minimum of a numeric column; <see langword="null"/> for a categorical one.</summary>
    public double? Minimum { get; }

    /// <summary>Gets the declared public maximum of a numeric column; <see langword="null"/> for a categorical one.</summary>
    public double? Maximum { get; }

    /// <summary>
    /// Gets the categories of a categorical column in encoding order (empty for a numeric one). The unknown
    /// bucket is implicit and comes after them.
    /// </summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>
    /// Gets the alternative spellings of categories, such as <c>NA</c> → <c>none</c> (empty for a numeric column).
    /// </summary>
    public IReadOnlyDictionary<string, string> Aliases { get; }

    /// <summary>
    /// Gets the category an absent or empty value stands for, or <see langword="null"/> when a value is required.
    /// </summary>
    public string? MissingAs { get; }

    /// <summary>Gets the transform of a numeric column's value before scaling; <see cref="NumericTransform.None"/> for a categorical one.</summary>
    public NumericTransform Transform { get; }

    /// <summary>
    /// Gets whether a value of this numeric column outside its declared range is clipped to the nearer end instead of
    /// refused (<see cref="WithClipping"/>); <see langword="false"/> for a categorical column.
    /// </summary>
    /// <remarks>
    /// For heavy-tailed amounts whose largest legitimate values no public bound can foresee: the encoding clamps to
    /// [−1, 1] either way, so a clipped value keeps ‖x‖₂ within its bound; what clipping gives up is the data check.
    /// </remarks>
    public bool ClipsOutOfRange { get; }

    /// <summary>
    /// Gets whether the column is a protected characteristic (such as sex, marital status or age): it is read and
    /// validated, and kept for reporting, but it is not a model feature.
    /// </summary>
    /// <remarks>Credit law in most countries forbids deciding on these characteristics, so they are left out of the model by default.</remarks>
    public bool IsProtected { get; }

    /// <summary>
    /// Gets the number of model features the column becomes: 0 for a protected column, otherwise 1 for numeric and
    /// vocabulary size + 1 for categorical.
    /// </summary>
    public int EncodedLength => IsProtected ? 0 : Kind == FeatureKind.Numeric ? 1 : Vocabulary.Count + 1;

    /// <summary>Creates a numeric column scaled by the declared public range [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    /// <param name="name">The CSV header name: not empty, without surrounding whitespace or control characters.</param>
    /// <param name="minimum">The smallest valid value; finite.</param>
    /// <param name="maximum">The largest valid value; finite and greater than <paramref name="minimum"/>.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is malformed or the range is empty or not finite.</exception>
    public static FeatureColumn Numeric(string name, double minimum, double maximum)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryCreateNumeric(name, minimum, maximum, out FeatureColumn? column, out SchemaError? error)
            ? column
            : throw new ArgumentException(error.Message, error.ParameterName);
    }

    /// <summary>
    /// Creates a numeric column whose value is transformed by <paramref name="transform"/> and then scaled by the
    /// transformed declared range; values outside [<paramref name="minimum"/>, <paramref name="maximum"/>] are still refused
    /// (or clipped, <see cref="WithClipping"/>).
    /// </summary>
    /// <param name="name">The CSV header name: not empty, without surrounding whitespace or control characters.</param>
    /// <param name="minimum">The smallest valid value; finite.</param>
    /// <param name="maximum">The largest valid value; finite and greater than <paramref name="minimum"/>.</param>
    /// <param name="transform">The transform applied before scaling.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is malformed, the range is empty or not finite, or the transform is not defined.</exception>
    public static FeatureColumn Numeric(string name, double minimum, double maximum, NumericTransform transform)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Enum.IsDefined(transform))
        {
            throw new ArgumentException($"The transform {(int)transform} of '{name}' is not defined.", nameof(transform));
        }

        return TryCreateNumeric(name, minimum, maximum, out FeatureColumn? column, out SchemaError? error, transform)
            ? column
            : throw new ArgumentException(error.Message, error.ParameterName);
    }

    /// <summary>Returns a copy of this column marked protected: validated and kept for reporting, but not a model feature.</summary>
    /// <returns>The protected column.</returns>
    public FeatureColumn AsProtected() =>
        new(Name, Kind, Minimum, Maximum, Vocabulary, Aliases, MissingAs, _categoryIndex, Transform, isProtected: true, ClipsOutOfRange);

    /// <summary>
    /// Returns a copy of this numeric column whose values outside the declared range are clipped to the nearer end
    /// instead of refused (schema JSON <c>"clip":true</c>).
    /// </summary>
    /// <returns>The clipping column.</returns>
    /// <exception cref="InvalidOperationException">The column is categorical: it has no range to clip to.</exception>
    public FeatureColumn WithClipping() =>
        Kind == FeatureKind.Numeric
            ? new(Name, Kind, Minimum, Maximum, Vocabulary, Aliases, MissingAs, _categoryIndex, Transform, IsProtected, clipsOutOfRange: true)
            : throw new InvalidOperationException($"The categorical column '{Name}' has no range to clip to.");

    internal FeatureColumn WithProtection(bool isProtected) => isProtected ? AsProtected() : this;

    /// <summary>Creates a categorical column with an explicit vocabulary, optional aliases and an optional meaning for absent values.</summary>
    /// <param name="name">The CSV header name: not empty, without surrounding whitespace or control characters.</param>
    /// <param name="vocabulary">The categories in encoding order: at least one, distinct, not empty, without surrounding whitespace.</param>
    /// <param name="aliases">Alternative spellings, each mapped to a category of the vocabulary; an alias may not itself be a category.</param>
    /// <param name="missingAs">The category an absent or empty value stands for; <see langword="null"/> to require a value.</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="vocabulary"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A rule above is broken; the message names it.</exception>
    public static FeatureColumn Categorical(
        string name,
        IEnumerable<string> vocabulary,
        IReadOnlyDictionary<string, string>? aliases = null,
        string? missingAs = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(vocabulary);
        return TryCreateCategorical(name, [.. vocabulary], aliases ?? NoAliases, missingAs, out FeatureColumn? column, out SchemaError? error)
            ? column
            : throw new ArgumentException(error.Message, error.ParameterName);
    }

    internal static bool TryCreateNumeric(
        string name,
        double minimum,
        double maximum,
        [NotNullWhen(true)] out FeatureColumn? column,
        [NotNullWhen(false)] out SchemaError? error,
        NumericTransform transform = NumericTransform.None)
    {
        column = null;
        error = ValidateName(name);
        if (error is null && (!double.IsFinite(minimum) || !double.IsFinite(maximum)))
        {
            error = new SchemaError($"The declared range of '{name}' must be finite.", "maximum");
        }

        if (error is null && minimum >= maximum)
        {
            error = new SchemaError(
                string.Create(CultureInfo.InvariantCulture, $"The declared range [{minimum}, {maximum}] of '{name}' is empty: the minimum must be below the maximum."),
                "maximum");
        }

        if (error is null)
        {
            column = new FeatureColumn(name, FeatureKind.Numeric, minimum, maximum, [], NoAliases, null, null, transform);
        }

        return error is null;
    }

    internal static bool TryCreateCategorical(
        string name,
        string?[] vocabulary,
        IReadOnlyDictionary<string, string> aliases,
        string? missingAs,
        [NotNullWhen(true)] out FeatureColumn? column,
        [NotNullWhen(false)] out SchemaError? error)
    {
        column = null;
        error = ValidateName(name);
        if (error is not null)
        {
            return false;
        }

        if (vocabulary.Length == 0)
        {
            error = new SchemaError($"The vocabulary of '{name}' must contain at least one category.", nameof(vocabulary));
            return false;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] categories = new string[vocabulary.Length];
        for (int i = 0; i < vocabulary.Length; i++)
        {
            string? category = vocabulary[i];
            if (!IsCleanToken(category))
            {
                error = new SchemaError($"The category '{category}' of '{name}' is empty or has surrounding whitespace or control characters.", nameof(vocabulary));
                return false;
            }

            if (!index.TryAdd(category, i))
            {
                error = new SchemaError($"The category '{category}' appears twice in the vocabulary of '{name}'.", nameof(vocabulary));
                return false;
            }

            categories[i] = category;
        }

        var aliasCopy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> alias in aliases)
        {
            if (!IsCleanToken(alias.Key))
            {
                error = new SchemaError($"The alias '{alias.Key}' of '{name}' is empty or has surrounding whitespace or control characters.", nameof(aliases));
                return false;
            }

            if (index.ContainsKey(alias.Key))
            {
                error = new SchemaError($"The alias '{alias.Key}' of '{name}' is already a category or another alias.", nameof(aliases));
                return false;
            }

            if (alias.Value is null || !categories.Contains(alias.Value, StringComparer.Ordinal))
            {
                error = new SchemaError($"The alias '{alias.Key}' of '{name}' maps to '{alias.Value}', which is not a category of the vocabulary ({FormatVocabulary(categories)}).", nameof(aliases));
                return false;
            }

            aliasCopy.Add(alias.Key, alias.Value);
            index.Add(alias.Key, index[alias.Value]);
        }

        if (missingAs is not null && !categories.Contains(missingAs, StringComparer.Ordinal))
        {
            error = new SchemaError($"The category for missing values of '{name}', '{missingAs}', is not in the vocabulary ({FormatVocabulary(categories)}).", nameof(missingAs));
            return false;
        }

        column = new FeatureColumn(name, FeatureKind.Categorical, null, null, Array.AsReadOnly(categories), new ReadOnlyDictionary<string, string>(aliasCopy), missingAs, index);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => (Kind == FeatureKind.Numeric
        ? string.Create(CultureInfo.InvariantCulture, $"{Name}: numeric [{Minimum}, {Maximum}]{(Transform == NumericTransform.Log ? " log" : string.Empty)}{(ClipsOutOfRange ? " clip" : string.Empty)}")
        : $"{Name}: categorical {{{FormatVocabulary(Vocabulary)}}}") + (IsProtected ? " (protected)" : string.Empty);

    /// <summary>Finds the vocabulary index of a category or alias; −1 when it is neither.</summary>
    internal int IndexOfCategory(string value) =>
        _categoryIndex is not null && _categoryIndex.TryGetValue(value, out int index) ? index : -1;

    internal static string FormatVocabulary(IEnumerable<string> vocabulary) =>
        string.Join(", ", vocabulary.Select(v => $"'{v}'"));

    private static SchemaError? ValidateName(string name) =>
        IsCleanToken(name) ? null : new SchemaError($"The column name '{name}' is empty or has surrounding whitespace or control characters.", nameof(name));

    internal static bool IsCleanToken([NotNullWhen(true)] string? token) =>
        !string.IsNullOrEmpty(token) && token.Trim().Length == token.Length && !token.Any(char.IsControl);
}
