using System.Collections.Immutable;

namespace PrivateFl.Server.Storage;

/// <summary>An immutable model version of a session: version 0 is the initial model, each completed round adds one.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Version">The version number, from 0.</param>
/// <param name="RoundNumber">The round that released it (0 for the initial model).</param>
/// <param name="Weights">The model's weights.</param>
/// <param name="Contributors">How many banks' updates are in it.</param>
/// <param name="EpsilonSpent">The session's total ε after this version's release.</param>
/// <param name="Delta">The session's δ.</param>
/// <param name="PrivacyJson">The privacy record of the release (mechanism and parameters) as JSON, kept verbatim.</param>
/// <param name="CreatedUnixMs">When it was released, in Unix milliseconds.</param>
public sealed record ModelVersionRecord(
    string SessionId,
    long Version,
    long RoundNumber,
    ImmutableArray<double> Weights,
    int Contributors,
    double EpsilonSpent,
    double Delta,
    string PrivacyJson,
    long CreatedUnixMs);
