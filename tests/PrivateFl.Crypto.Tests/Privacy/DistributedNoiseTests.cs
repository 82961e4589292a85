using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Privacy;

public sealed class DistributedNoiseTests
{
    [Theory]
    [InlineData(10, 4, 4)]
    [InlineData(10, 4, 7)]
    [InlineData(10, 4, 10)]
    [InlineData(30, 16, 16)]
    [InlineData(30, 16, 30)]
    public void DecodedNoise_AnyTToNSurvivors_HasVarianceAtLeastSigmaSquaredCSquared(int clients, int threshold, int survivors)
    {
        // σ = 1.3, C = 0.5, s = 2^10, d = 4096 coordinates as independent samples of the decoded noise. The sample
        // variance's relative standard error is sqrt(2/d) ≈ 2.2%; the check allows 5 of them below σ²C².
        const double Sigma = 1.3;
        const double Clip = 0.5;
        const double Scale = 1 << 10;
        const int Dimension = 4096;
        double sensitivity = DistributedNoise.Sensitivity(Clip, Scale, Dimension, recordLevel: true);
        var noise = new DiscreteGaussian(DistributedNoise.ClientSigma(Sigma, sensitivity, threshold));
        var quantizer = new FixedPointQuantizer(Clip, Scale, clients, DistributedNoise.NoiseBound(noise.Sigma));
        var random = new DeterministicRandom((clients * 1000) + survivors);
        uint[] sum = new uint[Dimension];
        for (int client = 0; client < survivors; client++)
        {
            uint[] encoded = new uint[Dimension];
            noise.AddTo(encoded, random);
            ModularVector.Add(sum, encoded);
        }

        double[] decoded = new double[Dimension];
        quantizer.Decode(sum, decoded);
        double variance = decoded.Select(x => x * x).Sum() / Dimension;

        double required = Sigma * Sigma * Clip * Clip;
        Assert.True(variance >= required * (1 - (5 * Math.Sqrt(2.0 / Dimension))), $"decoded noise variance {variance:G4} < σ²C² = {required:G4}");
    }

    [Property(MaxTest = 20)]
    public bool MaskedRound_WithNoisedInputs_AggregatesExactly(PositiveInt clientChoice, int seed)
    {
        // With DP on, each client's vector is its quantized update plus its noise; secure aggregation must return
        // exactly the sum of those vectors.
        int n = 3 + (clientChoice.Get % 10);
        var random = new DeterministicRandom(seed);
        var noise = new DiscreteGaussian(DistributedNoise.ClientSigma(1.1, DistributedNoise.Sensitivity(1, 1 << 12, 50, true), 3));
        var quantizer = new FixedPointQuantizer(1, 1 << 12, n, DistributedNoise.NoiseBound(noise.Sigma));
        uint[][] inputs = new uint[n][];
        for (int u = 0; u < n; u++)
        {
            double[] update = [.. Enumerable.Range(0, 50).Select(_ => random.NextDouble() - 0.5)];
            inputs[u] = new uint[50];
            quantizer.Encode(update, inputs[u], random);
            noise.AddTo(inputs[u], random);
        }

        var scenario = new RoundScenario(n, 50, NeighbourGraphKind.Complete, SecAggMode.SemiHonest, [.. Enumerable.Repeat(RoundScenario.Never, n)], inputs, seed);
        using var harness = new RoundHarness(scenario);
        (AggregationResult? result, _) = harness.Run();
        uint[] expected = new uint[50];
        foreach (uint[] input in inputs)
        {
            ModularVector.Add(expected, input);
        }

        return result is not null && result.Sum.Span.SequenceEqual(expected);
    }

    [Fact]
    public void DiscretenessTau_AtTheMinimumClientSigma_IsNegligible()
    {
        Assert.True(DistributedNoise.DiscretenessTau(DistributedNoise.MinimumClientSigma, 100_000) < 1e-60);
    }
}
