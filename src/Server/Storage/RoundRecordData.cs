namespace PrivateFl.Server.Storage;

/// <summary>The record of one round, completed or aborted. Client ids only: never inputs, keys or shares.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="RoundNumber">The round's number in the session, from 1.</param>
/// <param name="Outcome">How the round ended.</param>
/// <param name="AbortReason">Why an aborted round ended, for people; null for a completed round.</param>
/// <param name="Participants">The banks the round opened with.</param>
/// <param name="Included">The banks whose updates are in the released sum.</param>
/// <param name="Dropped">The participants not included.</param>
/// <param name="Stages">How each stage went.</param>
/// <param name="ModelVersion">The model version the round released; null for an aborted round.</param>
/// <param name="StartedUnixMs">When the round opened, in Unix milliseconds.</param>
/// <param name="EndedUnixMs">When it ended, in Unix milliseconds.</param>
/// <param name="Threshold">The round's Shamir threshold t.</param>
/// <param name="Degree">The round's neighbour-graph degree k.</param>
/// <param name="Culprits">The banks the round proved to have broken the protocol.</param>
public sealed record RoundRecordData(
    string SessionId,
    long RoundNumber,
    RoundOutcomeKind Outcome,
    string? AbortReason,
    IReadOnlyList<string> Participants,
    IReadOnlyList<string> Included,
    IReadOnlyList<string> Dropped,
    IReadOnlyList<StageTimingData> Stages,
    long? ModelVersion,
    long StartedUnixMs,
    long EndedUnixMs,
    int Threshold,
    int Degree,
    IReadOnlyList<RoundCulpritData>? Culprits = null);
