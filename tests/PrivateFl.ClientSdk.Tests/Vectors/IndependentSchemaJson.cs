using System.Globalization;
using System.Text;

namespace PrivateFl.ClientSdk.Tests.Vectors;

/// <summary>
/// The canonical schema JSON written from the rules of specs/schema.md alone (not with System.Text.Json), so a
/// test can show that the SDK's writer and the written rules agree.
/// </summary>
internal static class IndependentSchemaJson
{
    public static string Write(FeatureSchema schema)
    {
        var json = new StringBuilder();
        json.Append("{\"name\":").Append(String(schema.Name))
            .Append(",\"version\":").Append(schema.Version.ToString(CultureInfo.InvariantCulture))
            .Append(",\"columns\":[");
        for (int i = 0; i < schema.Columns.Count; i++)
        {
            FeatureColumn column = schema.Columns[i];
            json.Append(i == 0 ? "" : ",").Append("{\"name\":").Append(String(column.Name));
            if (column.Kind == FeatureKind.Numeric)
            {
                json.Append(",\"kind\":\"numeric\",\"min\":").Append(Number(column.Minimum!.Value)).Append(",\"max\":").Append(Number(column.Maximum!.Value));
                if (column.Transform == NumericTransform.Log)
                {
                    json.Append(",\"transform\":\"log\"");
                }

                if (column.ClipsOutOfRange)
                {
                    json.Append(",\"clip\":true");
                }
            }
            else
            {
                json.Append(",\"kind\":\"categorical\",\"vocabulary\":[").Append(string.Join(",", column.Vocabulary.Select(String))).Append(']');
                if (column.Aliases.Count > 0)
                {
                    json.Append(",\"aliases\":{")
                        .Append(string.Join(",", column.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => String(a.Key) + ":" + String(a.Value))))
                        .Append('}');
                }

                if (column.MissingAs is not null)
                {
                    json.Append(",\"missingAs\":").Append(String(column.MissingAs));
                }
            }

            if (column.IsProtected)
            {
                json.Append(",\"protected\":true");
            }

            json.Append('}');
        }

        json.Append("],\"label\":{\"column\":").Append(String(schema.LabelColumn))
            .Append(",\"positive\":").Append(String(schema.PositiveLabel))
            .Append(",\"negative\":").Append(String(schema.NegativeLabel))
            .Append("}}");
        return json.ToString();
    }

    /// <summary>A JSON string: ASCII only, with the escapes of specs/schema.md.</summary>
    public static string String(string value)
    {
        var json = new StringBuilder("\"");
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                json.Append(Escape(c)).Append(Escape(value[++i]));
            }
            else if (char.IsSurrogate(c))
            {
                json.Append("\\uFFFD");
            }
            else
            {
                json.Append(c switch
                {
                    '\\' => "\\\\",
                    '\b' => "\\b",
                    '\t' => "\\t",
                    '\n' => "\\n",
                    '\f' => "\\f",
                    '\r' => "\\r",
                    '"' or '&' or '\'' or '+' or '<' or '>' or '`' => Escape(c),
                    < ' ' or >= (char)0x7F => Escape(c),
                    _ => c.ToString(),
                });
            }
        }

        return json.Append('"').ToString();
    }

    /// <summary>A binary64 as the shortest round-trip decimal, laid out as specs/schema.md says.</summary>
    public static string Number(double value)
    {
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        (string digits, int exponent) = ShortestDigits(Math.Abs(value));
        string sign = value < 0 ? "-" : "";
        if (exponent is > -5 and < 17)
        {
            if (exponent < 0)
            {
                return sign + "0." + new string('0', -exponent - 1) + digits;
            }

            string integer = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
            string fraction = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "";
            return sign + integer + (fraction.Length > 0 ? "." + fraction : "");
        }

        return sign + digits[0] + (digits.Length > 1 ? "." + digits[1..] : "") + "E" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>The fewest significant digits d1 d2 … (no trailing zeros) and exponent x with value = d1.d2… × 10^x that parse back to the value; the nearest such when several.</summary>
    private static (string Digits, int Exponent) ShortestDigits(double value)
    {
        for (int precision = 1; precision <= 17; precision++)
        {
            string rounded = value.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            int e = rounded.IndexOf('E', StringComparison.Ordinal);
            string mantissa = rounded[..e].Replace(".", "", StringComparison.Ordinal);
            int exponent = int.Parse(rounded[(e + 1)..], CultureInfo.InvariantCulture);
            var m = System.Numerics.BigInteger.Parse(mantissa, CultureInfo.InvariantCulture);

            // The nearest candidate first; its neighbours only when it does not round-trip (asymmetric intervals at powers of two).
            foreach (System.Numerics.BigInteger candidate in new[] { m, m + 1, m - 1 })
            {
                string text = candidate.ToString(CultureInfo.InvariantCulture);
                int x = exponent + (text.Length - precision);
                if (!candidate.IsZero && double.Parse($"{text[0]}.{text[1..]}0E{x}", CultureInfo.InvariantCulture) == value)
                {
                    return (text.TrimEnd('0'), x);
                }
            }
        }

        throw new InvalidOperationException("No decimal of at most 17 digits round-trips; impossible for a finite double.");
    }

    private static string Escape(char c) => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}
