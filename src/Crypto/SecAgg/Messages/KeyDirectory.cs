namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>Stage 0 close, server → client: the advertised keys of the client's neighbours that are alive.</summary>
/// <param name="Entries">One advertisement per live neighbour.</param>
public sealed record KeyDirectory(IReadOnlyList<AdvertisedKeys> Entries);
