using System.Buffers.Binary;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Support;

/// <summary>
/// A seeded random source for reproducible statistics: the AES-CTR mask stream of a seed derived from an
/// integer, so it is as uniform as the production PRG and identical on every run.
/// </summary>
internal sealed class DeterministicRandom : IRandomSource
{
    private readonly uint[] _buffer = new uint[4096];
    private readonly byte[] _seed = new byte[MaskGenerator.SeedSize];
    private int _position;
    private ulong _block;

    public DeterministicRandom(int seed)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_seed, seed);
        Refill();
    }

    public void Fill(Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)NextUInt64();
        }
    }

    public ulong NextUInt64()
    {
        if (_position + 2 > _buffer.Length)
        {
            Refill();
        }

        ulong value = _buffer[_position] | ((ulong)_buffer[_position + 1] << 32);
        _position += 2;
        return value;
    }

    public int NextInt(int minInclusive, int maxExclusive) => minInclusive + (int)this.NextBelow((ulong)(maxExclusive - minInclusive));

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public uint[] NextWords(int count)
    {
        uint[] words = new uint[count];
        for (int i = 0; i < count; i++)
        {
            words[i] = (uint)NextUInt64();
        }

        return words;
    }

    public byte[] NextBytes(int count)
    {
        byte[] bytes = new byte[count];
        Fill(bytes);
        return bytes;
    }

    private void Refill()
    {
        // Each refill uses a fresh seed (the base seed with a block counter) so the stream never repeats.
        BinaryPrimitives.WriteUInt64LittleEndian(_seed.AsSpan(8), _block++);
        MaskGenerator.Generate(_seed, _buffer);
        _position = 0;
    }
}
