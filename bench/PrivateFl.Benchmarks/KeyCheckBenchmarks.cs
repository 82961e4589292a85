using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Benchmarks;

/// <summary>
/// Issue 9 §1 side by side: the previous and the current way of accepting a round key and of deriving a pairwise
/// seed. The previous server probed each key with a fresh key pair and one agreement; the previous seed's HKDF
/// info held the round context only.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class KeyCheckBenchmarks
{
    private readonly RoundIdentity _round = new("bench-session-identifier", 12, RandomNumberGenerator.GetBytes(32));
    private readonly byte[] _seed = new byte[32];
    private KeyAgreementKey _own = null!;
    private KeyAgreementKey _peer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _own = KeyAgreementKey.Generate();
        _peer = KeyAgreementKey.Generate();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _own.Dispose();
        _peer.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Accept a round key: previous (small-order probe)")]
    public bool PreviousKeyCheck()
    {
        using var probe = KeyAgreementKey.Generate();
        Span<byte> shared = stackalloc byte[KeyAgreementKey.KeySize];
        try
        {
            probe.Agree(_peer.PublicKey, shared);
            return true;
        }
        catch (KeyAgreementException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    [Benchmark(Description = "Accept a round key: current (X25519PublicKey.Check)")]
    public bool CurrentKeyCheck() => X25519PublicKey.IsValid(_peer.PublicKey);

    [Benchmark(Description = "Pairwise seed: previous (info = label, context)")]
    public void PreviousPairSeed()
    {
        Span<byte> shared = stackalloc byte[KeyAgreementKey.KeySize];
        _own.Agree(_peer.PublicKey, shared);
        Kdf.DeriveKey(shared, KdfLabels.MaskSeed, _round.Context, _seed);
        CryptographicOperations.ZeroMemory(shared);
    }

    [Benchmark(Description = "HKDF of a seed only: previous info")]
    public void PreviousInfoOnly() => Kdf.DeriveKey(_peer.PublicKey, KdfLabels.MaskSeed, _round.Context, _seed);

    [Benchmark(Description = "HKDF of a seed only: current info (pair context built)")]
    public void CurrentInfoOnly() => Kdf.DeriveKey(_peer.PublicKey, KdfLabels.MaskSeed, PairwiseKeys.PairContext(_round, 3, _own.PublicKey, 7, _peer.PublicKey), _seed);

    [Benchmark(Description = "Pairwise seed: current (check + info with both ends)")]
    public void CurrentPairSeed() => PairwiseKeys.DeriveMaskSeed(_own, 3, _own.PublicKey, 7, _peer.PublicKey, _round, _seed);
}
