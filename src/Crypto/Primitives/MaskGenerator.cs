using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// The mask PRG: expands a 32-byte seed into a stream of uint32 words with AES-256 in counter mode,
/// and adds or subtracts that stream into a vector mod 2^32 (specs/protocol.md, "Mask generator").
/// </summary>
/// <remarks>
/// Block i of the stream is AES-256_seed(i), with i a 128-bit big-endian counter starting at 0; word j
/// is bytes 4j … 4j+3 of the stream read little-endian. The output is the same on every platform. The
/// stream is produced in fixed-size chunks of one pooled buffer, so the memory a call uses does not grow
/// with the vector, and the keystream is zeroed before the call returns.
/// </remarks>
public static class MaskGenerator
{
    /// <summary>The size of a seed, in bytes.</summary>
    public const int SeedSize = 32;

    private const int BlockSize = 16;
    private const int ChunkBytes = 64 * 1024;
    private const int WordsPerChunk = ChunkBytes / sizeof(uint);

    // The input OpenSSL encrypts to produce raw keystream; never written.
    private static readonly byte[] Zeros = new byte[ChunkBytes];

    /// <summary>Gets or sets whether the OpenSSL counter-mode path is used; tests turn it off to check that both paths agree.</summary>
    internal static bool UseOpenSslCounterMode { get; set; } = OpenSslCounterMode.IsAvailable;

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

        byte[] keystream = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            if (UseOpenSslCounterMode)
            {
                ExpandWithOpenSsl(seed, destination, operation, keystream);
            }
            else
            {
                ExpandWithEcb(seed, destination, operation, keystream);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keystream.AsSpan(0, ChunkBytes));
            ArrayPool<byte>.Shared.Return(keystream);
        }
    }

    private static void ExpandWithOpenSsl(ReadOnlySpan<byte> seed, Span<uint> destination, Operation operation, byte[] keystream)
    {
        nint context = OpenSslCounterMode.Start(seed);
        try
        {
            for (int start = 0; start < destination.Length; start += WordsPerChunk)
            {
                int words = Math.Min(WordsPerChunk, destination.Length - start);
                int chunkLength = RoundUpToBlock(words * sizeof(uint));
                OpenSslCounterMode.Next(context, Zeros.AsSpan(0, chunkLength), keystream.AsSpan(0, chunkLength));
                Apply(keystream.AsSpan(0, chunkLength), destination.Slice(start, words), operation);
            }
        }
        finally
        {
            OpenSslCounterMode.Stop(context);
        }
    }

    private static void ExpandWithEcb(ReadOnlySpan<byte> seed, Span<uint> destination, Operation operation, byte[] keystream)
    {
        // One ECB transform (one native cipher context) per call, fed large chunks: one-shot calls
        // would each build a new context, which costs more than the AES work on a chunk.
        using var aes = Aes.Create();
        aes.SetKey(seed);
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        using ICryptoTransform encryptor = aes.CreateEncryptor();
        ulong counter = 0;
        for (int start = 0; start < destination.Length; start += WordsPerChunk)
        {
            int words = Math.Min(WordsPerChunk, destination.Length - start);
            int chunkLength = RoundUpToBlock(words * sizeof(uint));
            WriteCounters(keystream.AsSpan(0, chunkLength), ref counter);
            encryptor.TransformBlock(keystream, 0, chunkLength, keystream, 0);
            Apply(keystream.AsSpan(0, chunkLength), destination.Slice(start, words), operation);
        }
    }

    private static int RoundUpToBlock(int bytes) => (bytes + BlockSize - 1) / BlockSize * BlockSize;

    private static void Apply(Span<byte> keystream, Span<uint> target, Operation operation)
    {
        Span<uint> stream = MemoryMarshal.Cast<byte, uint>(keystream)[..target.Length];
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(stream, stream);
        }

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

    /// <summary>Fills <paramref name="chunk"/> with consecutive 128-bit big-endian counter blocks.</summary>
    private static void WriteCounters(Span<byte> chunk, ref ulong counter)
    {
        Span<ulong> halves = MemoryMarshal.Cast<byte, ulong>(chunk);
        for (int i = 0; i < halves.Length; i += 2)
        {
            halves[i] = 0;
            halves[i + 1] = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(counter) : counter;
            counter++;
        }
    }
}
