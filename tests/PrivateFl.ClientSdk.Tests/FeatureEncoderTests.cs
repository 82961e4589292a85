using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk.Tests;

public sealed class FeatureEncoderTests
{
    [Property(MaxTest = 300)]
    public bool Scale_AnyFiniteValue_IsInMinusOneToOne(NormalFloat value, NormalFloat minimum, PositiveInt width)
    {
        double min = Math.Clamp(minimum.Get, -1e6, 1e6);
        double max = min + width.Get;

        double scaled = FeatureEncoder.Scale(value.Get, min, max);

        return scaled is >= -1 and <= 1;
    }

    [Fact]
    public void Scale_RangeEndsAndMiddle_MapToMinusOneOneAndZero()
    {
        Assert.Equal(-1.0, FeatureEncoder.Scale(18, 18, 100));
        Assert.Equal(1.0, FeatureEncoder.Scale(100, 18, 100));
        Assert.Equal(0.0, FeatureEncoder.Scale(59, 18, 100));
        Assert.Equal(1.0, FeatureEncoder.Scale(150, 18, 100));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(RawRows)])]
    public bool Encode_AnyAcceptedRow_HasOneHotBlocksAndNormWithinTheBound(string?[] raw)
    {
        FeatureSchema schema = CreditSchemas.GermanCredit;
        FeatureEncoder encoder = schema.Encoder;
        double[] features = new double[schema.EncodedLength];
        int categorical = 0;
        double numericSquares = 0;
        for (int c = 0; c < raw.Length; c++)
        {
            if (!encoder.TryParse(c, raw[c], allowUnknownCategory: true, out ParsedValue value, out _))
            {
                return true; // out-of-range numbers are refused, not encoded
            }

            encoder.Encode(c, value, features);
            FeatureColumn column = schema.Columns[c];
            if (column.IsProtected)
            {
                continue; // validated, but not a feature
            }
            ReadOnlySpan<double> block = features.AsSpan(encoder.OffsetOf(c), column.EncodedLength);
            if (column.Kind == FeatureKind.Categorical)
            {
                categorical++;
                if (block.Count(1.0) != 1 || block.Count(0.0) != block.Length - 1)
                {
                    return false;
                }
            }
            else
            {
                numericSquares += block[0] * block[0];
            }
        }

        double normSquared = features.Sum(f => f * f);
        return Math.Abs(normSquared - (categorical + numericSquares)) < 1e-12
            && Math.Sqrt(normSquared) <= schema.MaxEncodedNorm;
    }

    [Theory]
    [InlineData(4, "NA", "none")]
    [InlineData(4, " rich ", "rich")]
    [InlineData(4, "", "none")]
    [InlineData(4, null, "none")]
    [InlineData(5, "NA", "none")]
    public void TryParse_AliasesWhitespaceAndAbsence_ResolveToTheCategory(int column, string? raw, string expected)
    {
        FeatureEncoder encoder = CreditSchemas.GermanCredit.Encoder;

        Assert.True(encoder.TryParse(column, raw, allowUnknownCategory: false, out ParsedValue value, out _));
        Assert.Equal(expected, value.Display);
    }

    [Theory]
    [InlineData(1, "")]
    [InlineData(1, "Male")]
    [InlineData(0, "17.99")]
    [InlineData(0, "NaN")]
    [InlineData(0, "1,000")]
    public void TryParse_InvalidValue_IsRefusedWithAReason(int column, string raw)
    {
        FeatureEncoder encoder = CreditSchemas.GermanCredit.Encoder;

        Assert.False(encoder.TryParse(column, raw, allowUnknownCategory: false, out _, out string? reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    /// <summary>Raw rows of the German credit schema: in-range, out-of-range and unparsable numbers; categories, aliases, blanks and unknown values.</summary>
    public static class RawRows
    {
        public static Arbitrary<string?[]> Rows()
        {
            FeatureSchema schema = CreditSchemas.GermanCredit;
            Gen<string?>[] columns = [.. schema.Columns.Select(Column)];
            return Arb.From(Gen.CollectToArray(columns));
        }

        private static Gen<string?> Column(FeatureColumn column)
        {
            if (column.Kind == FeatureKind.Numeric)
            {
                double min = column.Minimum!.Value;
                double max = column.Maximum!.Value;
                return Gen.OneOf(
                    Gen.Choose(0, 1_000_000).Select(i => (string?)(min + ((max - min) * i / 1_000_000.0)).ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                    Gen.Elements<string?>("-3", "999", "abc", string.Empty, null));
            }

            return Gen.Elements<string?>([.. column.Vocabulary, .. column.Aliases.Keys, " padded ", "unheard-of", string.Empty, null]);
        }
    }
}
