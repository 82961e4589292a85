using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Privacy;

namespace PrivateFl.Benchmarks;

/// <summary>The primitives at the sizes of issue "Foundation" (d = 10^6, n = 100, t = 51).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PrimitiveBenchmarks
{
    private const int Length = 1_000_000;
    private readonly byte[] _seed = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly uint[] _vector = new uint[Length];
    private readonly long[] _noise = new long[Length];
    private readonly double[] _values = new double[Length];
    private readonly ReadOnlyMemory<uint>[] _hundredVectors = new ReadOnlyMemory<uint>[100];
    private readonly byte[] _reconstructed = new byte[32];
    private readonly FixedPointQuantizer _quantizer = new(clipNorm: 1, scale: 1 << 16, maxSummands: 1000);
    private readonly DiscreteGaussian _gaussian = new(1000);
    private ShamirShare[] _shares = [];

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _hundredVectors.Length; i++)
        {
            uint[] vector = new uint[Length];
            MaskGenerator.Generate(RandomNumberGenerator.GetBytes(32), vector);
            _hundredVectors[i] = vector;
        }

        for (int i = 0; i < Length; i++)
        {
            _values[i] = Math.Sin(i) * 1e-3;
        }

        _shares = Shamir.Split(_secret, 51, 100);
    }

    [Benchmark(Description = "Mask expansion, d = 10^6 (AddMask)")]
    public void MaskExpansion() => MaskGenerator.AddMask(_seed, _vector);

    [Benchmark(Description = "Modular sum of 100 vectors of 10^6")]
    public void ModularSum() => ModularVector.Sum(_hundredVectors, _vector);

    [Benchmark(Description = "Shamir split, n = 100, t = 51")]
    public ShamirShare[] ShamirSplit() => Shamir.Split(_secret, 51, 100);

    [Benchmark(Description = "Shamir reconstruct, t = 51 of 100")]
    public void ShamirReconstruct() => Shamir.Reconstruct(_shares.AsSpan(0, 51).ToArray(), 51, _reconstructed);

    [Benchmark(Description = "Quantize 10^6 values")]
    public void Quantize() => _quantizer.Encode(_values, _vector);

    [Benchmark(Description = "Discrete Gaussian, 10^6 samples, sigma = 1000")]
    public void DiscreteGaussianSamples() => _gaussian.Sample(_noise);
}
