using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Tests.Support;

/// <summary>Replays a fixed prefix, then draws from another source: two sessions with one prefix share their round keys.</summary>
internal sealed class PrefixRandom(byte[] prefix, IRandomSource rest) : IRandomSource
{
    private int _used;

    public void Fill(Span<byte> destination)
    {
        int fromPrefix = Math.Min(destination.Length, prefix.Length - _used);
        prefix.AsSpan(_used, fromPrefix).CopyTo(destination);
        _used += fromPrefix;
        rest.Fill(destination[fromPrefix..]);
    }

    public ulong NextUInt64()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
