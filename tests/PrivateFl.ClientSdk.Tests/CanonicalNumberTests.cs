using System.Globalization;
using FsCheck.Xunit;
using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk.Tests;

public sealed class CanonicalNumberTests
{
    [Property(MaxTest = 3000)]
    public bool Format_AnyFiniteDouble_ReadsBackAsTheSameDouble(long bits)
    {
        double value = BitConverter.Int64BitsToDouble(bits);
        return !double.IsFinite(value) || BitConverter.DoubleToInt64Bits(double.Parse(CanonicalNumber.Format(value), CultureInfo.InvariantCulture)) == bits;
    }

    [Property(MaxTest = 3000)]
    public bool Format_WhereDotNetRoundTripFormatReadsBack_EqualsIt(long bits, int exponent)
    {
        // So no schema hash changes except where "R" printed a string that read back as another double.
        double value = exponent % 2 == 0 ? BitConverter.Int64BitsToDouble(bits) : Math.ScaleB(bits % 2 == 0 ? 1 : -1, exponent % 1075);
        if (!double.IsFinite(value))
        {
            return true;
        }

        string r = value.ToString("R", CultureInfo.InvariantCulture);
        return double.Parse(r, CultureInfo.InvariantCulture) != value || CanonicalNumber.Format(value) == r;
    }

    [Fact]
    public void ToJson_PowerOfTwoWhereRFormatCollides_KeepsNeighboursApartAndRoundTrips()
    {
        double power = -Math.ScaleB(1, -25);
        double neighbour = Math.BitIncrement(power);
        var first = new FeatureSchema("s", 1, [FeatureColumn.Numeric("x", power, 1)], "y", "1", "0");
        var second = new FeatureSchema("s", 1, [FeatureColumn.Numeric("x", neighbour, 1)], "y", "1", "0");

        Assert.Equal(power.ToString("R", CultureInfo.InvariantCulture), neighbour.ToString("R", CultureInfo.InvariantCulture));
        Assert.NotEqual(first.Hash, second.Hash);
        Assert.Equal(power, FeatureSchema.FromJson(first.ToJson()).Columns[0].Minimum);
        Assert.Equal(neighbour, FeatureSchema.FromJson(second.ToJson()).Columns[0].Minimum);
    }

    [Theory]
    [InlineData(18.0, "18")]
    [InlineData(-0.0, "-0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1E-05")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1e17, "1E+17")]
    [InlineData(123.25, "123.25")]
    [InlineData(5e-324, "5E-324")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    public void Format_Examples_FollowTheLayoutRule(double value, string expected) =>
        Assert.Equal(expected, CanonicalNumber.Format(value));
}
