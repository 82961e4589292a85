namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The single seam through which every primitive draws randomness. Production code always uses
/// <see cref="Primitives.SecureRandom"/>; tests inject a seeded source to make statistics reproducible.
/// </summary>
internal interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with uniformly random bytes.</summary>
    void Fill(Span<byte> destination);

    /// <summary>Returns 64 uniformly random bits.</summary>
    ulong NextUInt64();
}
