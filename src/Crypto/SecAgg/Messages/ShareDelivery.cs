namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>Stage 1 close, server → client: the encrypted shares addressed to the client by live neighbours.</summary>
/// <param name="Shares">The shares, each addressed to the receiving client.</param>
public sealed record ShareDelivery(IReadOnlyList<EncryptedShare> Shares);
