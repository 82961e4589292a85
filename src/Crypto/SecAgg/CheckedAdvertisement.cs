using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// An advertisement whose round public keys passed <see cref="AggregationRound.CheckRoundKeys"/>: 32-byte canonical
/// X25519 keys of large order, each a point of the prime-order subgroup of Curve25519 (not of its twist).
/// </summary>
/// <remarks>
/// These checks depend on nothing but the message, and the subgroup check costs a scalar multiplication per key, so a
/// server runs them before it takes the round's lock, in parallel across callers; only the state-dependent checks then
/// run under the lock. Instances come only from <see cref="AggregationRound.CheckRoundKeys"/>.
/// </remarks>
public sealed class CheckedAdvertisement
{
    internal CheckedAdvertisement(AdvertisedKeys message) => Message = message;

    /// <summary>Gets the checked advertisement.</summary>
    public AdvertisedKeys Message { get; }

    /// <summary>The same checked keys from the participant index the round assigned to the caller.</summary>
    /// <param name="sender">The caller's participant index.</param>
    /// <returns>The advertisement with <see cref="AdvertisedKeys.Sender"/> set; its keys were already checked.</returns>
    public CheckedAdvertisement WithSender(int sender) => new(Message with { Sender = sender });
}
