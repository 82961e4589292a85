using System.Globalization;
using System.Numerics;

namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// Writes a finite binary64 the way the canonical schema JSON does (specs/schema.md, "Numbers"): the shortest
/// decimal that reads back as the same double, laid out in fixed notation when its decimal exponent x is in
/// −4 … 16 and as <c>d.dddE±XX</c> otherwise.
/// </summary>
/// <remarks>
/// The layout is .NET's round-trip ("R") format, which earlier versions wrote. Its digits are not always the
/// shortest that round-trip: at some powers of two (for example −2^−25) "R" prints a string that parses to the
/// neighbouring double, so two schemas differing in one bound had one hash. The digits are therefore computed
/// here, by a rule another language can reproduce; every double that "R" did round-trip keeps its text.
/// </remarks>
internal static class CanonicalNumber
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite numbers have a canonical form.");
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        (string digits, int exponent) = ShortestDigits(Math.Abs(value));
        string sign = value < 0 ? "-" : string.Empty;
        if (exponent is >= -4 and <= 16)
        {
            if (exponent < 0)
            {
                return sign + "0." + new string('0', -exponent - 1) + digits;
            }

            return digits.Length > exponent + 1
                ? sign + digits[..(exponent + 1)] + "." + digits[(exponent + 1)..]
                : sign + digits.PadRight(exponent + 1, '0');
        }

        string mantissa = digits.Length > 1 ? digits[..1] + "." + digits[1..] : digits;
        return sign + mantissa + "E" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The fewest significant digits (no trailing zero) and the exponent x of value = d.ddd × 10^x that parse back to
    /// the value; of several such, the nearest to the value.
    /// </summary>
    private static (string Digits, int Exponent) ShortestDigits(double magnitude)
    {
        for (int precision = 1; precision <= 17; precision++)
        {
            // "E" formatting is exact and rounds correctly, so m is the nearest precision-digit decimal; only at a
            // power of two, where the lower rounding interval is half as wide, can its neighbour round-trip instead.
            string rounded = magnitude.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            int e = rounded.IndexOf('E', StringComparison.Ordinal);
            var nearest = BigInteger.Parse(rounded[..e].Replace(".", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
            int exponent = int.Parse(rounded[(e + 1)..], CultureInfo.InvariantCulture);
            foreach (BigInteger candidate in (ReadOnlySpan<BigInteger>)[nearest, nearest + 1, nearest - 1])
            {
                string text = candidate.ToString(CultureInfo.InvariantCulture);
                int x = exponent + text.Length - precision;
                if (!candidate.IsZero && double.Parse($"{text}E{x - text.Length + 1}", CultureInfo.InvariantCulture) == magnitude)
                {
                    return (text.TrimEnd('0'), x);
                }
            }
        }

        throw new InvalidOperationException($"No decimal of at most 17 digits reads back as {magnitude:R}.");
    }
}
