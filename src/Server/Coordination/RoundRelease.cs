using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Coordination;

/// <summary>What a finished round commits in one transaction before its banks learn the outcome.</summary>
internal sealed record RoundRelease(RoundRecordData Record, ModelVersionRecord Model, LedgerEntryData Ledger, bool Last);
