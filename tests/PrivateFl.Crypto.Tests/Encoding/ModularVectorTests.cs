using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Encoding;

public sealed class ModularVectorTests
{
    [Property(MaxTest = 100)]
    public bool Sum_RandomVectors_EqualsBigIntegerSumModTwoToThe32(PositiveInt countChoice, PositiveInt lengthChoice, int seed)
    {
        var random = new DeterministicRandom(seed);
        int count = 1 + (countChoice.Get % 100);
        int length = lengthChoice.Get % 300;
        uint[][] vectors = [.. Enumerable.Range(0, count).Select(_ => random.NextWords(length))];
        uint[] sum = new uint[length];

        ModularVector.Sum([.. vectors.Select(v => (ReadOnlyMemory<uint>)v)], sum);

        for (int i = 0; i < length; i++)
        {
            ulong model = 0;
            foreach (uint[] vector in vectors)
            {
                model += vector[i];
            }

            if (sum[i] != (uint)(model % (1UL << 32)))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 100)]
    public bool AddThenSubtract_AnyVectors_IsIdentityAndWraps(uint[] a, int seed)
    {
        uint[] original = a ?? [];
        uint[] other = new DeterministicRandom(seed).NextWords(original.Length);
        uint[] result = (uint[])original.Clone();

        ModularVector.Add(result, other);
        bool wrapped = result.Select((r, i) => r == unchecked(original[i] + other[i])).All(x => x);
        ModularVector.Subtract(result, other);

        return wrapped && result.AsSpan().SequenceEqual(original);
    }

    [Fact]
    public void Add_MaxValuePlusOne_WrapsToZero()
    {
        uint[] a = Enumerable.Repeat(uint.MaxValue, 37).ToArray();

        ModularVector.Add(a, Enumerable.Repeat(1u, 37).ToArray());

        Assert.All(a, x => Assert.Equal(0u, x));
    }

    [Fact]
    public void Add_LengthMismatch_ThrowsNamingAddend()
    {
        Assert.Throws<ArgumentException>("addend", () => ModularVector.Add(new uint[3], new uint[4]));
    }

    [Fact]
    public void Sum_LengthMismatch_ThrowsNamingVectors()
    {
        Assert.Throws<ArgumentException>("vectors", () => ModularVector.Sum([new uint[3], new uint[2]], new uint[3]));
    }
}
