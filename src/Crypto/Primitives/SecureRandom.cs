using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// A buffered view of the operating system's CSPRNG (<see cref="RandomNumberGenerator"/>): the only
/// source of randomness for keys, seeds, rounding and noise in production.
/// </summary>
/// <remarks>
/// Buffering amortises the cost of the system call for the many small draws that exact samplers make.
/// The buffer holds randomness that will become secret (noise, rounding), so it is zeroed when consumed
/// and on <see cref="Dispose"/>. An instance is not thread-safe: create one per sampling task.
/// </remarks>
internal sealed class SecureRandom : IRandomSource, IDisposable
{
    private const int BufferSize = 4096;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _position = BufferSize;

    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    public ulong NextUInt64()
    {
        if (_position > BufferSize - sizeof(ulong))
        {
            RandomNumberGenerator.Fill(_buffer);
            _position = 0;
        }

        Span<byte> word = _buffer.AsSpan(_position, sizeof(ulong));
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(word);
        CryptographicOperations.ZeroMemory(word);
        _position += sizeof(ulong);
        return value;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_buffer);
        _position = BufferSize;
    }
}
