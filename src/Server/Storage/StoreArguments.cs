namespace PrivateFl.Server.Storage;

/// <summary>The checks every provider makes before it writes, so bad input is refused the same way everywhere and never half-stored.</summary>
internal static class StoreArguments
{
    public static void Id(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
    }

    public static void Audit(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        foreach (string field in (string[])[entry.Actor, entry.RemoteAddress, entry.Method])
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(field, nameof(entry));
        }

        ArgumentNullException.ThrowIfNull(entry.TargetId, nameof(entry));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Outcome, nameof(entry));
        if (entry.Actor.Length > AuditEntry.MaxFieldLength || entry.RemoteAddress.Length > AuditEntry.MaxFieldLength || entry.Method.Length > AuditEntry.MaxFieldLength || entry.TargetId.Length > AuditEntry.MaxFieldLength || entry.Outcome.Length > AuditEntry.MaxOutcomeLength)
        {
            throw new ArgumentException($"An audit entry's actor, address, method and target hold at most {AuditEntry.MaxFieldLength} characters and its outcome {AuditEntry.MaxOutcomeLength}.", nameof(entry));
        }
    }

    public static void Client(EnrolledClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Id(client.ClientId, nameof(client));
        if (client.IdentityPublicKey.Length != 32)
        {
            throw new ArgumentException($"Client '{client.ClientId}' has an identity key of {client.IdentityPublicKey.Length} bytes; an Ed25519 public key has 32.", nameof(client));
        }
    }

    public static void State(SessionState state, string paramName)
    {
        if (!Enum.IsDefined(state))
        {
            throw new ArgumentOutOfRangeException(paramName, state, "Not a defined SessionState.");
        }
    }

    public static void NewSession(StoredSession session, ModelVersionRecord initialModel)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(initialModel);
        Id(session.SessionId, nameof(session));
        ArgumentException.ThrowIfNullOrWhiteSpace(session.DefinitionJson, nameof(session));
        State(session.State, nameof(session));
        if (initialModel.SessionId != session.SessionId || initialModel.Version != 0)
        {
            throw new ArgumentException($"The initial model must be version 0 of session '{session.SessionId}' (got version {initialModel.Version} of '{initialModel.SessionId}').", nameof(initialModel));
        }

        Model(initialModel, nameof(initialModel));
    }

    public static void Round(RoundRecordData round, ModelVersionRecord? newModel, LedgerEntryData? ledgerEntry, SessionState? newSessionState)
    {
        ArgumentNullException.ThrowIfNull(round);
        Id(round.SessionId, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round.RoundNumber, nameof(round));
        switch (round.Outcome)
        {
            case RoundOutcomeKind.Completed when newModel is null || round.ModelVersion != newModel.Version:
                throw new ArgumentException($"Completed round {round.RoundNumber} must come with the model version it released (record names {round.ModelVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).", nameof(newModel));
            case RoundOutcomeKind.Aborted when newModel is not null || ledgerEntry is not null:
                throw new ArgumentException($"Aborted round {round.RoundNumber} releases no model and spends no budget.", nameof(newModel));
            case RoundOutcomeKind.Completed or RoundOutcomeKind.Aborted:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(round), round.Outcome, "Not a defined RoundOutcomeKind.");
        }

        if (newModel is not null)
        {
            if (newModel.SessionId != round.SessionId || newModel.RoundNumber != round.RoundNumber || newModel.Version <= 0)
            {
                throw new ArgumentException($"The new model (version {newModel.Version} of '{newModel.SessionId}', round {newModel.RoundNumber}) is not a new version released by round {round.RoundNumber} of '{round.SessionId}'.", nameof(newModel));
            }

            Model(newModel, nameof(newModel));
        }

        if (ledgerEntry is not null && (ledgerEntry.SessionId != round.SessionId || ledgerEntry.RoundNumber != round.RoundNumber))
        {
            throw new ArgumentException($"The ledger entry (round {ledgerEntry.RoundNumber} of '{ledgerEntry.SessionId}') is not round {round.RoundNumber} of '{round.SessionId}'.", nameof(ledgerEntry));
        }

        if (newSessionState is { } state)
        {
            State(state, nameof(newSessionState));
        }
    }

    private static void Model(ModelVersionRecord model, string paramName)
    {
        if (model.Weights.IsDefault)
        {
            throw new ArgumentException("The model has no weights array.", paramName);
        }

        ArgumentNullException.ThrowIfNull(model.PrivacyJson, paramName);
    }
}
