namespace PrivateFl.Server.Storage;

/// <summary>One line of a session's privacy ledger: its total ε after a released round.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="RoundNumber">The round that spent it.</param>
/// <param name="EpsilonSpentTotal">The session's total ε after the round.</param>
/// <param name="Delta">The session's δ.</param>
/// <param name="MechanismJson">The mechanism and its parameters as JSON, kept verbatim.</param>
/// <param name="RecordedUnixMs">When it was recorded, in Unix milliseconds.</param>
public sealed record LedgerEntryData(string SessionId, long RoundNumber, double EpsilonSpentTotal, double Delta, string MechanismJson, long RecordedUnixMs);
