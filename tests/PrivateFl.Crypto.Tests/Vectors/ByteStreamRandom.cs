using System.Buffers.Binary;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// A random source that hands out a fixed byte string in order: <see cref="Fill"/> takes the next bytes and
/// <see cref="NextUInt64"/> the next 8 bytes read little-endian. The golden vectors record exactly the bytes a
/// party consumed, so replaying them through the real code reproduces every key, share and nonce.
/// </summary>
internal sealed class ByteStreamRandom(byte[] stream) : IRandomSource
{
    private int _position;

    /// <summary>Gets how many bytes have been consumed.</summary>
    public int Consumed => _position;

    /// <summary>Gets each draw's offset and length, in order (a 64-bit word is an 8-byte draw).</summary>
    public List<(int Offset, int Length)> Draws { get; } = [];

    /// <summary>Gets the consumed prefix of the stream.</summary>
    public byte[] ConsumedBytes => stream[.._position];

    /// <summary>A long stream for generation: the AES-CTR mask stream (protocol.md §1.6) of SHA-256(UTF8(label)).</summary>
    public static ByteStreamRandom FromLabel(string label, int length = 1 << 16)
    {
        byte[] seed = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(label));
        uint[] words = new uint[length / sizeof(uint)];
        MaskGenerator.Generate(seed, words);
        byte[] bytes = new byte[words.Length * sizeof(uint)];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * sizeof(uint)), words[i]);
        }

        return new ByteStreamRandom(bytes);
    }

    public void Fill(Span<byte> destination)
    {
        if (_position + destination.Length > stream.Length)
        {
            throw new InvalidOperationException($"The recorded random stream is exhausted after {stream.Length} bytes: the code now draws more randomness than when the vectors were generated.");
        }

        stream.AsSpan(_position, destination.Length).CopyTo(destination);
        Draws.Add((_position, destination.Length));
        _position += destination.Length;
    }

    public ulong NextUInt64()
    {
        Span<byte> word = stackalloc byte[sizeof(ulong)];
        Fill(word);
        return BinaryPrimitives.ReadUInt64LittleEndian(word);
    }
}
