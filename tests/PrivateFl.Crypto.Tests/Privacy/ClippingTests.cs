using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Crypto.Tests.Privacy;

public sealed class ClippingTests
{
    [Property(MaxTest = 300)]
    public bool ClipInPlace_AnyFiniteVector_NeverExceedsClipNorm(NormalFloat[] values, PositiveInt clipChoice)
    {
        double[] vector = [.. (values ?? []).Select(v => v.Get)];
        double clipNorm = clipChoice.Get / 97.0;
        if (!double.IsFinite(NormOrInfinity(vector)))
        {
            return true;
        }

        Clipping.ClipInPlace(vector, clipNorm);

        return Clipping.L2Norm(vector) <= clipNorm;
    }

    [Property(MaxTest = 100)]
    public bool ClipInPlace_VectorWithinNorm_IsUnchanged(NormalFloat[] values)
    {
        double[] vector = [.. (values ?? []).Select(v => v.Get)];
        double norm = NormOrInfinity(vector);
        if (!double.IsFinite(norm))
        {
            return true;
        }

        double[] copy = (double[])vector.Clone();

        double factor = Clipping.ClipInPlace(vector, norm + 1);

        return factor == 1.0 && vector.AsSpan().SequenceEqual(copy);
    }

    private static double NormOrInfinity(double[] vector)
    {
        try
        {
            return Clipping.L2Norm(vector);
        }
        catch (ArgumentException)
        {
            return double.PositiveInfinity;
        }
    }

    [Fact]
    public void ClipInPlace_LongVector_ScalesToNormKeepingDirection()
    {
        double[] vector = [3, 4];

        Clipping.ClipInPlace(vector, 1);

        Assert.Equal(0.6, vector[0], 12);
        Assert.Equal(0.8, vector[1], 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.PositiveInfinity)]
    public void ClipInPlace_InvalidNorm_ThrowsNamingClipNorm(double clipNorm)
    {
        Assert.Throws<ArgumentOutOfRangeException>("clipNorm", () => Clipping.ClipInPlace(new double[2], clipNorm));
    }

    [Fact]
    public void ClipInPlace_NaN_ThrowsNamingValues()
    {
        Assert.Throws<ArgumentException>("values", () => Clipping.ClipInPlace([double.NaN], 1));
    }
}
