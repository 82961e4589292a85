using FsCheck;
using FsCheck.Xunit;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Primitives;

public sealed class MaskGeneratorTests
{
    // The golden vector of specs/protocol.md: seed = 00 01 … 1f; words 0–7, 2046–2049 (across the first
    // 8 KiB chunk) and 4096–4099. Computed independently with OpenSSL's AES-256-ECB on big-endian counters.
    private static readonly byte[] GoldenSeed = [.. Enumerable.Range(0, 32).Select(b => (byte)b)];

    [Fact]
    public void Generate_GoldenSeed_MatchesSpecVector()
    {
        uint[] stream = new uint[4100];

        MaskGenerator.Generate(GoldenSeed, stream);

        Assert.Equal([0xb60090f2u, 0xd09f492a, 0x6a9af3a9, 0x80772edd, 0xae765df0, 0xe59fb94a, 0x319bf6a6, 0x3d36c248], stream[..8]);
        Assert.Equal([0x1657ca52u, 0xa5fd04df, 0x19318f5b, 0xf2bd24ae], stream[2046..2050]);
        Assert.Equal([0x4a76a0a3u, 0x95a465ef, 0x419414ea, 0x530816ce], stream[4096..4100]);
    }

    [Property(MaxTest = 30)]
    public bool Generate_OpenSslAndEcbConstructions_GiveTheSameStream(PositiveInt lengthChoice, int seed)
    {
        // Both constructions of AES-256-CTR must agree, so that a platform without libcrypto (which uses
        // the ECB construction) masks exactly like one with it.
        byte[] key = new DeterministicRandom(seed).NextBytes(32);
        int length = lengthChoice.Get % 40_000;
        uint[] viaEcb = new uint[length];
        uint[] viaDefault = new uint[length];

        MaskGeneratorPaths.WithEcb(() => MaskGenerator.Generate(key, viaEcb));
        MaskGenerator.Generate(key, viaDefault);

        return viaEcb.AsSpan().SequenceEqual(viaDefault);
    }

    [Fact]
    public void UseOpenSslCounterMode_OnLinux_IsOnSoTheFastPathIsWhatTheTestsCheck()
    {
        Assert.Equal(OperatingSystem.IsLinux(), PrivateFl.Crypto.Internal.OpenSslCounterMode.IsAvailable && MaskGenerator.UseOpenSslCounterMode);
    }

    [Fact]
    public void Generate_EcbConstruction_MatchesSpecVector()
    {
        uint[] stream = new uint[8];

        MaskGeneratorPaths.WithEcb(() => MaskGenerator.Generate(GoldenSeed, stream));

        Assert.Equal([0xb60090f2u, 0xd09f492a, 0x6a9af3a9, 0x80772edd, 0xae765df0, 0xe59fb94a, 0x319bf6a6, 0x3d36c248], stream);
    }

    [Property(MaxTest = 50)]
    public bool Generate_AnyLength_IsPrefixOfLongerStream(PositiveInt lengthChoice, int seed)
    {
        byte[] key = new DeterministicRandom(seed).NextBytes(32);
        int length = lengthChoice.Get % 5000;
        uint[] shorter = new uint[length];
        uint[] longer = new uint[length + 7];

        MaskGenerator.Generate(key, shorter);
        MaskGenerator.Generate(key, longer);

        return shorter.AsSpan().SequenceEqual(longer.AsSpan(0, length));
    }

    [Property(MaxTest = 50)]
    public bool AddThenSubtract_AnyVector_RestoresIt(uint[] vector, int seed)
    {
        byte[] key = new DeterministicRandom(seed).NextBytes(32);
        uint[] original = vector ?? [];
        uint[] masked = (uint[])original.Clone();

        MaskGenerator.AddMask(key, masked);
        bool changed = original.Length < 4 || !masked.AsSpan().SequenceEqual(original);
        MaskGenerator.SubtractMask(key, masked);

        return changed && masked.AsSpan().SequenceEqual(original);
    }

    [Property(MaxTest = 15)]
    public bool PairwiseMasks_AgreedByX25519_CancelInTheSum(PositiveInt clientChoice, PositiveInt lengthChoice)
    {
        int n = 2 + (clientChoice.Get % 59);
        int d = 1 + (lengthChoice.Get % 3000);
        KeyAgreementKey[] keys = [.. Enumerable.Range(0, n).Select(_ => KeyAgreementKey.Generate())];
        uint[][] inputs = [.. Enumerable.Range(0, n).Select(_ => new uint[d])];
        uint[] total = new uint[d];
        byte[] seed = new byte[32];
        try
        {
            for (int u = 0; u < n; u++)
            {
                for (int v = 0; v < n; v++)
                {
                    if (u == v)
                    {
                        continue;
                    }

                    keys[u].DeriveSharedKey(keys[v].PublicKey, KdfLabels.MaskSeed, default, seed);
                    if (u < v)
                    {
                        MaskGenerator.AddMask(seed, inputs[u]);
                    }
                    else
                    {
                        MaskGenerator.SubtractMask(seed, inputs[u]);
                    }
                }
            }

            ModularVector.Sum([.. inputs.Select(i => (ReadOnlyMemory<uint>)i)], total);
            return total.All(w => w == 0) && inputs[0].Any(w => w != 0);
        }
        finally
        {
            foreach (KeyAgreementKey key in keys)
            {
                key.Dispose();
            }
        }
    }

    [Fact]
    public void Generate_StreamBytes_PassChiSquareUniformity()
    {
        // 2^20 bytes into 256 bins; a uniform source exceeds the critical value with probability 10^-4.
        uint[] stream = new uint[1 << 18];
        MaskGenerator.Generate(new DeterministicRandom(20261125).NextBytes(32), stream);
        long[] counts = new long[256];
        foreach (byte b in System.Runtime.InteropServices.MemoryMarshal.AsBytes(stream.AsSpan()))
        {
            counts[b]++;
        }

        double[] expected = Enumerable.Repeat(stream.Length * 4 / 256.0, 256).ToArray();

        Assert.InRange(ChiSquare.Statistic(counts, expected), 0, ChiSquare.Critical(255, 1e-4));
    }

    [Fact]
    public void AddMask_WrongSeedLength_ThrowsNamingSeed()
    {
        Assert.Throws<ArgumentException>("seed", () => MaskGenerator.AddMask(new byte[16], new uint[4]));
    }
}
