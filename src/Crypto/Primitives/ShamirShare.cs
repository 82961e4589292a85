using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// One holder's Shamir share of a 32-byte secret: the holder's index x and the eight field elements
/// f_0(x) … f_7(x) over GF(2^61 − 1) (specs/protocol.md, "Secret sharing").
/// </summary>
/// <remarks>Encoding: <c>x (uint32 LE) || y_0 … y_7 (uint64 LE each)</c>, 68 bytes.</remarks>
public sealed class ShamirShare : IDisposable
{
    /// <summary>The number of field elements in a share (one per 32-bit word of the secret).</summary>
    public const int LimbCount = 8;

    /// <summary>The size of an encoded share, in bytes.</summary>
    public const int EncodedSize = sizeof(uint) + (LimbCount * sizeof(ulong));

    private readonly ulong[] _limbs;

    internal ShamirShare(int index, ulong[] limbs)
    {
        Index = index;
        _limbs = limbs;
    }

    /// <summary>Gets the holder's index x, from 1 to <see cref="Shamir.MaxShares"/>.</summary>
    public int Index { get; }

    internal ReadOnlySpan<ulong> Limbs => _limbs;

    /// <summary>Reads an encoded share, checking that the index and every element are in range.</summary>
    /// <param name="encoded">The 68-byte encoding.</param>
    /// <returns>The share.</returns>
    /// <exception cref="ArgumentException">The encoding has the wrong length, index 0 or too large, or an element ≥ 2^61 − 1.</exception>
    public static ShamirShare Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize)
        {
            throw new ArgumentException($"An encoded share is {EncodedSize} bytes; got {encoded.Length}.", nameof(encoded));
        }

        uint index = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        if (index is 0 or > Shamir.MaxShares)
        {
            throw new ArgumentException($"A share index must be 1 to {Shamir.MaxShares}; got {index}.", nameof(encoded));
        }

        ulong[] limbs = new ulong[LimbCount];
        for (int i = 0; i < LimbCount; i++)
        {
            limbs[i] = BinaryPrimitives.ReadUInt64LittleEndian(encoded[(sizeof(uint) + (i * sizeof(ulong)))..]);
            if (limbs[i] >= MersenneField61.P)
            {
                CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(limbs.AsSpan()));
                throw new ArgumentException($"Share element {i} is not below the field modulus 2^61 − 1.", nameof(encoded));
            }
        }

        return new ShamirShare((int)index, limbs);
    }

    /// <summary>Writes the 68-byte encoding.</summary>
    /// <param name="destination">Receives the encoding.</param>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="EncodedSize"/>.</exception>
    public void Encode(Span<byte> destination)
    {
        if (destination.Length < EncodedSize)
        {
            throw new ArgumentException($"The destination must hold {EncodedSize} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)Index);
        for (int i = 0; i < LimbCount; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(sizeof(uint) + (i * sizeof(ulong)))..], _limbs[i]);
        }
    }

    /// <summary>Returns the 68-byte encoding.</summary>
    /// <returns>A new array holding the encoding.</returns>
    public byte[] Encode()
    {
        byte[] encoded = new byte[EncodedSize];
        Encode(encoded);
        return encoded;
    }

    /// <summary>Zeroes the share.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_limbs.AsSpan()));

    /// <inheritdoc />
    public override string ToString() => $"Shamir share #{Index} (value not shown)";
}
