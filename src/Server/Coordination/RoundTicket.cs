using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>What a client learns when a round that includes it opens: its cohort's part of the round (<see cref="Cohort"/>, from 0).</summary>
internal sealed record RoundTicket(
    SessionDefinition Session,
    long RoundNumber,
    byte[] GraphSeed,
    int Index,
    IReadOnlyList<(int Index, string ClientId, byte[] IdentityPublicKey)> Participants,
    SecAggParameters Parameters,
    ModelVersionRecord Model,
    TimeSpan StageDeadline,
    double EpsilonAfterRound,
    double ClientNoiseSigma,
    int Cohort = 0);
