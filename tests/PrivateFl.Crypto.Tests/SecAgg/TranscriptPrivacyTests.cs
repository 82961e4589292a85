using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

public sealed class TranscriptPrivacyTests
{
    private const int Length = 1 << 16;

    [Theory]
    [InlineData("zeros")]
    [InlineData("ramp")]
    [InlineData("constant")]
    public void MaskedInput_AnyInput_IsUniformOverTheGroup(string input)
    {
        // The server's view of one client's masked input, bucketed by its top byte: 256 bins of 2^16 words.
        // The keys come from the OS CSPRNG, so the statistic varies between runs; at the 10^-6 critical value
        // a uniform vector fails once in a million runs, while a leak of the input (a ramp or a constant)
        // would exceed it by orders of magnitude.
        uint[] x = input switch
        {
            "zeros" => new uint[Length],
            "ramp" => [.. Enumerable.Range(0, Length).Select(i => (uint)i)],
            _ => Enumerable.Repeat(0xDEADBEEFu, Length).ToArray(),
        };
        var random = new DeterministicRandom(5);
        var scenario = new RoundScenario(3, Length, NeighbourGraphKind.Complete, SecAggMode.SemiHonest, [RoundScenario.Never, RoundScenario.Never, RoundScenario.Never], [x, random.NextWords(Length), random.NextWords(Length)], 5);
        using var harness = new RoundHarness(scenario);
        IReadOnlyDictionary<int, ShareDelivery> deliveries = harness.ShareKeys(harness.AdvertiseKeys());

        MaskedInput masked = harness.Client(1).MaskInput(deliveries[1], x);

        long[] counts = new long[256];
        foreach (uint word in masked.Vector.Span)
        {
            counts[word >> 24]++;
        }

        Assert.InRange(ChiSquare.Statistic(counts, Enumerable.Repeat(Length / 256.0, 256).ToArray()), 0, ChiSquare.Critical(255, 1e-6));
    }
}
