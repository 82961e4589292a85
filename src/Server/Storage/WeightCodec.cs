using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace PrivateFl.Server.Storage;

/// <summary>Model weights as stored by every provider: little-endian IEEE 754 doubles, 8 bytes each, no header.</summary>
internal static class WeightCodec
{
    public static byte[] Encode(ImmutableArray<double> weights)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The model store writes little-endian doubles.");
        }

        return MemoryMarshal.AsBytes(weights.AsSpan()).ToArray();
    }

    public static ImmutableArray<double> Decode(byte[] bytes)
    {
        if (bytes.Length % sizeof(double) != 0)
        {
            throw new InvalidDataException($"Stored weights of {bytes.Length} bytes are not a whole number of doubles.");
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(MemoryMarshal.Cast<byte, double>(bytes).ToArray());
    }
}
