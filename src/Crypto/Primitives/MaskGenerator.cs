using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PrivateFl.Crypto.Encoding;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// The mask PRG: expands a 32-byte seed into a stream of uint32 words with AES-256 in counter mode,
/// and adds or subtracts that stream into a vector mod 2^32 (specs/protocol.md, "Mask generator").
/// </summary>
/// <remarks>
/// Block i of the stream is AES-256_seed(i), with i a 128-bit big-endian counter starting at 0; word j
/// is bytes 4j … 4j+3 of the stream read little-endian. The output is the same on every platform. The
/// stream is produced in fixed-size chunks on the stack, so the cost per call does not grow with the
/// vector except for the AES work itself, and the keystream is zeroed before the call returns.
/// </remarks>
public static class MaskGenerator
{
    /// <summary>The size of a seed, in bytes.</summary>
    public const int SeedSize = 32;

    private const int BlockSize = 16;
    private const int ChunkBytes = 8192;
    private const int WordsPerChunk = ChunkBytes / sizeof(uint);

    /// <summary>Writes the first destination.Length words of the stream into <paramref name="destination"/>.</summary>
    /// <param name="seed">The 32-byte seed.</param>
    /// <param name="destination">Receives the words; overwritten.</param>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static void Generate(ReadOnlySpan<byte> seed, Span<uint> destination) => Expand(seed, destination, Operation.Write);

    /// <summary>destination[i] ← destination[i] + stream[i] (mod 2^32).</summary>
    /// <param name="seed">The 32-byte seed.</param>
    /// <param name="destination">The vector to mask.</param>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static void AddMask(ReadOnlySpan<byte> seed, Span<uint> destination) => Expand(seed, destination, Operation.Add);

    /// <summary>destination[i] ← destination[i] − stream[i] (mod 2^32).</summary>
    /// <param name="seed">The 32-byte seed.</param>
    /// <param name="destination">The vector to unmask.</param>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static void SubtractMask(ReadOnlySpan<byte> seed, Span<uint> destination) => Expand(seed, destination, Operation.Subtract);

    private enum Operation
    {
        Write,
        Add,
        Subtract,
    }

    private static void Expand(ReadOnlySpan<byte> seed, Span<uint> destination, Operation operation)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"A mask seed is {SeedSize} bytes; got {seed.Length}.", nameof(seed));
        }

        if (destination.IsEmpty)
        {
            return;
        }

        using var aes = Aes.Create();
        aes.SetKey(seed);

        Span<byte> keystream = stackalloc byte[ChunkBytes];
        ulong counter = 0;
        try
        {
            for (int start = 0; start < destination.Length; start += WordsPerChunk)
            {
                int words = Math.Min(WordsPerChunk, destination.Length - start);
                int blocks = ((words * sizeof(uint)) + BlockSize - 1) / BlockSize;
                Span<byte> chunk = keystream[..(blocks * BlockSize)];
                for (int b = 0; b < blocks; b++)
                {
                    Span<byte> block = chunk.Slice(b * BlockSize, BlockSize);
                    BinaryPrimitives.WriteUInt64BigEndian(block, 0);
                    BinaryPrimitives.WriteUInt64BigEndian(block[8..], counter++);
                }

                aes.EncryptEcb(chunk, chunk, PaddingMode.None);
                Span<uint> stream = MemoryMarshal.Cast<byte, uint>(chunk)[..words];
                if (!BitConverter.IsLittleEndian)
                {
                    BinaryPrimitives.ReverseEndianness(stream, stream);
                }

                Span<uint> target = destination.Slice(start, words);
                switch (operation)
                {
                    case Operation.Write:
                        stream.CopyTo(target);
                        break;
                    case Operation.Add:
                        ModularVector.AddCore(target, stream);
                        break;
                    default:
                        ModularVector.SubtractCore(target, stream);
                        break;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keystream);
        }
    }
}
