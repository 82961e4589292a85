using PrivateFl.Crypto;
using PrivateFl.Crypto.Privacy;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Checks a round announcement before taking part: the client re-derives the round's parameters itself and
/// refuses anything the server could have chosen to weaken the round.
/// </summary>
internal static class AnnouncementValidator
{
    /// <summary>Validates the announcement (<see cref="ValidatePlan"/>) and returns the re-derived secure-aggregation parameters.</summary>
    public static (SecAggParameters Parameters, Dictionary<int, ReadOnlyMemory<byte>> IdentityKeys) Validate(
        RoundAnnouncement announcement,
        string sessionId,
        string clientId,
        ReadOnlySpan<byte> identityPublicKey,
        int expectedLength,
        Crypto.SecAgg.SecAggMode minimumMode = Crypto.SecAgg.SecAggMode.SemiHonest,
        double minimumCorruptedFraction = 0)
    {
        (RoundPlan plan, Dictionary<int, ReadOnlyMemory<byte>> identityKeys) = ValidatePlan(announcement, sessionId, clientId, identityPublicKey, expectedLength, minimumMode, minimumCorruptedFraction);
        return (plan.Parameters, identityKeys);
    }

    /// <summary>
    /// Re-derives the round's plan from the announced settings with the one definition the server uses
    /// (<see cref="RoundPlan.Create"/>) and refuses the round unless every announced derived value (t, k, d,
    /// client_noise_sigma) equals this client's own, and the settings are ones this client accepts.
    /// </summary>
    /// <returns>The client's own plan of the round and the participants' identity keys by index.</returns>
    /// <exception cref="FederationException">The announcement is malformed, unsafe, or differs from the re-derivation.</exception>
    /// <exception cref="SchemaMismatchException">The round's vector length is not this client's model's.</exception>
    public static (RoundPlan Plan, Dictionary<int, ReadOnlyMemory<byte>> IdentityKeys) ValidatePlan(
        RoundAnnouncement announcement,
        string sessionId,
        string clientId,
        ReadOnlySpan<byte> identityPublicKey,
        int expectedLength,
        Crypto.SecAgg.SecAggMode minimumMode = Crypto.SecAgg.SecAggMode.SemiHonest,
        double minimumCorruptedFraction = 0,
        CohortFloor cohortFloor = default)
    {
        if (announcement.ProtocolVersion != ProtocolVersion._1 || announcement.SessionId != sessionId)
        {
            throw new FederationException($"The server announced a round of session '{announcement.SessionId}' (protocol {(int)announcement.ProtocolVersion}); this client joined '{sessionId}' with protocol 1.");
        }

        int n = announcement.Participants.Count;
        var identityKeys = new Dictionary<int, ReadOnlyMemory<byte>>(n);
        // The keys stay in the announcement's immutable buffers: a copy per participant cost n copies per round here.
        foreach (Participant participant in announcement.Participants)
        {
            if (participant.Index < 1 || participant.Index > n || participant.IdentityPublicKey.Length != 32 || !identityKeys.TryAdd((int)participant.Index, participant.IdentityPublicKey.Memory))
            {
                throw new FederationException($"Round {announcement.RoundNumber}: the participant list is malformed (indices must be 1 … {n}, once each, with 32-byte identity keys).");
            }
        }

        Participant? self = announcement.Participants.FirstOrDefault(p => p.Index == announcement.YourIndex);
        if (self is null || self.ClientId != clientId || !self.IdentityPublicKey.Span.SequenceEqual(identityPublicKey))
        {
            throw new FederationException($"Round {announcement.RoundNumber}: the announcement does not list this client ('{clientId}') with its own identity key at index {announcement.YourIndex}.");
        }

        CheckCohortSize(announcement, n, cohortFloor);
        if (announcement.VectorLength != expectedLength)
        {
            throw new SchemaMismatchException($"Round {announcement.RoundNumber} aggregates vectors of length {announcement.VectorLength}; this client's model has {expectedLength} parameters.");
        }

        SecAggSettings settings = announcement.SecAgg ?? throw new FederationException("The announcement has no secure-aggregation settings.");
        if (minimumMode == Crypto.SecAgg.SecAggMode.Active && settings.Mode != Protocol.V1.SecAggMode.Active)
        {
            throw new FederationException($"Round {announcement.RoundNumber} is {settings.Mode}; this client requires the active (malicious-server) mode.");
        }

        // The threshold is derived from the announced γ, which the server chooses: a server that announces γ = 0 gets the
        // smallest threshold, so a few colluding banks would reach t shares (SECURITY.md, "Trust assumptions"). Only the
        // bank knows how many colluders it fears, so it sets the floor.
        if (!(settings.CorruptedFraction >= minimumCorruptedFraction))
        {
            throw new FederationException($"Round {announcement.RoundNumber} announces a corrupted fraction γ = {settings.CorruptedFraction:G4}; this client requires at least {minimumCorruptedFraction:G4} (FederatedClientOptions:MinimumCorruptedFraction).");
        }

        CheckPrivacyPlan(announcement);
        if (settings.Mode == Protocol.V1.SecAggMode.Unspecified || settings.Graph == Protocol.V1.NeighbourGraphKind.Unspecified)
        {
            throw new FederationException($"Round {announcement.RoundNumber} announces secure-aggregation mode {settings.Mode} and graph {settings.Graph}; both must be set.");
        }

        // The derivation below gives the complete graph in active mode whatever the graph setting (a session stored
        // before HARARY was refused for active mode keeps running on it); a sparse degree is refused by name.
        if (settings.Mode == Protocol.V1.SecAggMode.Active && announcement.Degree != n - 1)
        {
            throw new FederationException($"Round {announcement.RoundNumber} is active with graph {settings.Graph} and degree {announcement.Degree}; active rounds use the complete graph (degree n − 1 = {n - 1}), because a server that draws a sparse graph's seed could choose this client's neighbours.");
        }

        var identity = new RoundIdentity(sessionId, announcement.RoundNumber, announcement.GraphSeed.Span);
        RoundPlan plan;
        try
        {
            plan = RoundPlan.Create(AnnouncedPlan.Settings(announcement), n, identity);
        }
        catch (ArgumentException ex)
        {
            throw new FederationException($"Round {announcement.RoundNumber}: the announced secure-aggregation settings are unsafe: {ex.Message}", ex);
        }

        SecAggParameters parameters = plan.Parameters;
        if (parameters.Threshold != announcement.Threshold || parameters.Degree != announcement.Degree)
        {
            throw new FederationException($"Round {announcement.RoundNumber}: the server announced t = {announcement.Threshold}, k = {announcement.Degree}; the settings give t = {parameters.Threshold}, k = {parameters.Degree}.");
        }

        CheckClientNoise(announcement, plan);
        return (plan, identityKeys);
    }

    /// <summary>
    /// The server chooses each cohort's banks and sees each cohort's sum (specs/protocol.md §3), so a bank refuses a cohort
    /// smaller than the session's minimum cohort size, as it read it when it joined, or than its own floor; and a round
    /// that announces another minimum than the one it joined under.
    /// </summary>
    private static void CheckCohortSize(RoundAnnouncement announcement, int n, CohortFloor floor)
    {
        int announced = (int)(announcement.Cohorts?.MinimumCohortSize ?? 0);
        if (floor.Session > 0 && announced != floor.Session)
        {
            throw new FederationException($"Round {announcement.RoundNumber} announces a minimum cohort size of {announced}; this client joined the session under {floor.Session} and refuses the round.");
        }

        int minimum = Math.Max(Math.Max(floor.Session, floor.Own), announced);
        if (n < minimum)
        {
            throw new FederationException($"Round {announcement.RoundNumber} puts this client in cohort {announcement.Cohort} of {n} banks; this client requires at least {minimum} (the session's minimum cohort size {floor.Session}, FederatedClientOptions:MinimumCohortSize {floor.Own}), since the server sees each cohort's sum.");
        }
    }

    /// <summary>
    /// The noise this client would add, derived by itself from the announced (and re-derived) parameters, must be one the
    /// accountant covers (<see cref="DistributedNoise.IsClientSigmaAllowed"/>, the rule the server applies at session
    /// creation): below σ_client = 4 the sum of discrete Gaussians is not the mechanism both ledgers account for.
    /// </summary>
    private static void CheckClientNoise(RoundAnnouncement announcement, RoundPlan plan)
    {
        double clientSigma = plan.ClientSigma;
        if (!plan.IsClientSigmaAccountable)
        {
            throw new FederationException($"Round {announcement.RoundNumber}: each client would add discrete Gaussian noise of σ_client = {clientSigma:G4} quantized units (noise multiplier {announcement.Privacy.NoiseMultiplier:G4}, scale {announcement.Training.QuantizationScale:G4}, {announcement.Participants.Count} participants); this client requires {DistributedNoise.MinimumClientSigma} to {DiscreteGaussian.MaxSigma}, where the privacy accounting holds.");
        }

        // The server states the σ_client it derived; a bank that derives another (a drift in either side's rules, or a
        // server that announces one thing and accounts another) must not train: both ledgers would disagree.
        double announced = announcement.ClientNoiseSigma;
        if (Math.Abs(announced - clientSigma) > 1e-9 * Math.Max(1, Math.Abs(clientSigma)))
        {
            throw new FederationException($"Round {announcement.RoundNumber} announces client_noise_sigma = {announced:G6}; this client derives σ_client = {clientSigma:G6} from the announced settings and refuses the round.");
        }
    }

    /// <summary>
    /// The DP mode and the training rule must be one of the pairs the privacy analysis covers (specs/privacy.md §1):
    /// otherwise the client's own noise and ledger would rest on the server's word.
    /// </summary>
    private static void CheckPrivacyPlan(RoundAnnouncement announcement)
    {
        TrainingPlan plan = announcement.Training ?? throw new FederationException("The announcement has no training plan.");
        DpMode mode = announcement.Privacy?.Mode ?? DpMode.None;
        bool rateValid = plan.SamplingRate is > 0 and <= 1;
        bool consistent = mode switch
        {
            DpMode.RecordLevel => plan.Rule == AggregationRule.GradientSum && rateValid,
            DpMode.ClientLevel => plan.Rule == AggregationRule.FederatedAveraging && rateValid,
            _ => plan.Rule is AggregationRule.GradientSum or AggregationRule.FederatedAveraging && rateValid,
        };
        if (!consistent)
        {
            throw new FederationException($"Round {announcement.RoundNumber} announces {mode} privacy with rule {plan.Rule} and sampling rate {plan.SamplingRate}; record-level DP needs GRADIENT_SUM, client-level DP needs FEDERATED_AVERAGING, both a sampling rate in (0, 1].");
        }
    }
}
