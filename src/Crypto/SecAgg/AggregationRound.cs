using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// The server's side of one secure-aggregation round (Bonawitz et al. CCS'17, Figure 4, with the neighbour
/// graphs of Bell et al. CCS'20): it collects each stage's messages, tracks who is alive, routes encrypted
/// shares, and at the end removes the masks and returns the sum of exactly the surviving clients' inputs
/// (specs/protocol.md §2.3).
/// </summary>
/// <remarks>
/// <para>The caller drives time: it calls the stage's <c>Accept…</c> for each message, and the stage's
/// <c>Close…</c> when every awaited client has answered (<see cref="IsStageComplete"/>) or its deadline
/// passed; a client that has not answered by then has dropped out.</para>
/// <para>A rejected message throws <see cref="SecAggProtocolException"/> and leaves the round unchanged for
/// everybody else. A stage that closes with too few clients to finish aborts the round: the partial sum and
/// every share are erased, and <see cref="RoundAbortedException"/> says why.</para>
/// <para>Not thread-safe: the caller serialises calls (the gRPC coordinator holds one lock per round).</para>
/// </remarks>
public sealed class AggregationRound
{
    private readonly SecAggParameters _parameters;
    private readonly IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? _identityPublicKeys;
    private readonly int[][] _neighbours;
    private readonly Dictionary<int, AdvertisedKeys> _advertised = [];
    private readonly HashSet<string> _advertisedKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ShareKeys> _shareKeys = [];
    private readonly HashSet<int> _received = [];
    private readonly Dictionary<int, List<ShamirShare>> _selfMaskShares = [];
    private readonly Dictionary<int, List<ShamirShare>> _maskKeyShares = [];
    private readonly List<(int Client, SecretKind Kind)> _reconstructed = [];

    // Kept from ShareKeys to judge complaints and revealed shares against the dealer's commitments.
    private readonly Dictionary<(int Dealer, int Holder), EncryptedShare> _dealtShares = [];

    // Masked inputs stay apart until the round ends, so that a culprit's input can be left out when MaskedInput closes,
    // and a survivor expelled at unmasking taken out of the sum (n·d·4 bytes, held as long as the sum).
    private readonly Dictionary<int, uint[]> _maskedInputs = [];

    // The shares of survivors' b_u as revealed, kept as evidence should a survivor have dealt inconsistently (§2.9).
    private readonly Dictionary<(int Owner, int Holder), RevealedShare> _revealedSelfMaskShares = [];
    private readonly SortedSet<int> _expelled = [];

    // Dropped clients whose s_v could not be verified-reconstructed: their surviving neighbours' pair points are asked for at Expel.
    private readonly SortedSet<int> _unrecoveredDropped = [];
    private List<MaskRemoval>? _pendingRemovals;
    private readonly List<(int Complainant, ShareComplaint Complaint)> _complaints = [];
    private readonly Dictionary<(int Dropped, int Survivor), RevealedPairPoint> _pairPoints = [];
    private readonly List<RoundCulprit> _culprits = [];
    private readonly HashSet<(int Dealer, int Holder)> _invalidDealings = [];
    private SortedSet<int> _alive;
    private SortedSet<int> _sharers = [];   // U2
    private SortedSet<int> _survivors = []; // U3
    private uint[]? _sum;
    private byte[]? _consistencyPayload;
    private readonly List<ConsistencySignature> _consistencySignatures = [];

    /// <summary>Opens a round.</summary>
    /// <param name="parameters">The round's parameters.</param>
    /// <param name="identityPublicKeys">Active mode: every participant's Ed25519 identity public key, by index.</param>
    /// <exception cref="ArgumentException">Active mode without an identity key for every participant.</exception>
    public AggregationRound(SecAggParameters parameters, IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityPublicKeys = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Mode == SecAggMode.Active)
        {
            ArgumentNullException.ThrowIfNull(identityPublicKeys);
            for (int u = 1; u <= parameters.ParticipantCount; u++)
            {
                if (!identityPublicKeys.TryGetValue(u, out ReadOnlyMemory<byte> key) || key.Length != Signatures.PublicKeySize)
                {
                    throw new ArgumentException($"Active mode needs a 32-byte identity public key for every participant; client {u} has none.", nameof(identityPublicKeys));
                }
            }
        }

        _parameters = parameters;
        _identityPublicKeys = identityPublicKeys;
        _neighbours = NeighbourGraph.Create(parameters).AllNeighbours();
        _alive = new SortedSet<int>(Enumerable.Range(1, parameters.ParticipantCount));
    }

    /// <summary>Gets the round's parameters.</summary>
    public SecAggParameters Parameters => _parameters;

    /// <summary>Gets the current stage.</summary>
    public RoundStage Stage { get; private set; } = RoundStage.AdvertiseKeys;

    /// <summary>Gets why the round was aborted, or <see langword="null"/>.</summary>
    public string? AbortReason { get; private set; }

    /// <summary>Gets the clients alive at the start of the current stage (those whose message it awaits).</summary>
    public IReadOnlyCollection<int> AliveClients => _alive;

    /// <summary>Gets the clients whose message for the current stage has been accepted.</summary>
    public IReadOnlyCollection<int> ReceivedClients => _received;

    /// <summary>Gets a value indicating whether every alive client has answered the current stage.</summary>
    public bool IsStageComplete => Stage < RoundStage.Completed && _received.Count == _alive.Count;

    /// <summary>
    /// Gets the clients proven to have broken the protocol in this round, in the order found (specs/protocol.md §2.8).
    /// A culprit found before MaskedInput closes is left out of the sum, like a client that dropped.
    /// </summary>
    public IReadOnlyList<RoundCulprit> Culprits => _culprits;

    /// <summary>
    /// Gets the expulsion request made when Unmask closed with survivors that dealt inconsistently (the round is then at
    /// <see cref="RoundStage.Expel"/>), or <see langword="null"/> (specs/protocol.md §2.9).
    /// </summary>
    public ExpulsionRequest? Expulsion { get; private set; }

    /// <summary>The secrets reconstructed at unmasking, for the transcript-privacy tests.</summary>
    internal IReadOnlyList<(int Client, SecretKind Kind)> ReconstructedSecrets => _reconstructed;

    /// <summary>Stage 0: accepts a client's round public keys.</summary>
    /// <param name="message">The advertisement.</param>
    /// <exception cref="SecAggProtocolException">The message is refused; the round is unchanged.</exception>
    public void AcceptAdvertiseKeys(AdvertisedKeys message) => AcceptAdvertiseKeys(CheckRoundKeys(message));

    /// <summary>
    /// The checks of an advertisement that depend on nothing but the message (see <see cref="CheckedAdvertisement"/>):
    /// thread-safe, so a server runs them before it takes the round's lock.
    /// </summary>
    /// <param name="message">The advertisement.</param>
    /// <returns>The advertisement, marked as checked.</returns>
    /// <exception cref="SecAggProtocolException">A key is refused (<see cref="SecAggViolation.InvalidPublicKey"/>).</exception>
    public static CheckedAdvertisement CheckRoundKeys(AdvertisedKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.CipherPublicKey.Length != KeyAgreementKey.KeySize || message.MaskPublicKey.Length != KeyAgreementKey.KeySize)
        {
            throw Reject(SecAggViolation.InvalidPublicKey, $"Client {message.Sender}'s round public keys must be 32 bytes each.");
        }

        X25519PublicKeyDefect defect = X25519PublicKey.Check(message.CipherPublicKey.Span);
        if (defect == X25519PublicKeyDefect.None)
        {
            defect = X25519PublicKey.Check(message.MaskPublicKey.Span);
        }

        if (defect != X25519PublicKeyDefect.None)
        {
            throw Reject(SecAggViolation.InvalidPublicKey, $"Client {message.Sender} advertised a round public key that is not a canonical X25519 key of large order ({defect}).");
        }

        // A twist point agrees under X25519 but admits no complaint proof on the curve (specs/protocol.md §2.6).
        if (!Curve25519Points.IsOnCurve(message.CipherPublicKey.Span) || !Curve25519Points.IsOnCurve(message.MaskPublicKey.Span))
        {
            throw Reject(SecAggViolation.InvalidPublicKey, $"Client {message.Sender} advertised a public key that is not a point of Curve25519 (it lies on the twist).");
        }

        return new CheckedAdvertisement(message);
    }

    /// <summary>Stage 0: accepts a client's round public keys whose message-only checks have passed.</summary>
    /// <param name="checkedMessage">The advertisement, checked by <see cref="CheckRoundKeys"/>.</param>
    /// <exception cref="SecAggProtocolException">The message is refused; the round is unchanged.</exception>
    public void AcceptAdvertiseKeys(CheckedAdvertisement checkedMessage)
    {
        ArgumentNullException.ThrowIfNull(checkedMessage);
        AdvertisedKeys message = checkedMessage.Message;
        Admit(RoundStage.AdvertiseKeys, message.Sender);
        if (message.SelfMaskCommitment.Length != CommitmentEncoding.CommitmentSize)
        {
            throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s self-mask commitment must be {CommitmentEncoding.CommitmentSize} bytes.");
        }

        if (_parameters.Mode == SecAggMode.Active
            && !Signatures.Verify(_identityPublicKeys![message.Sender].Span, ProtocolEncoding.AdvertisePayload(_parameters.Round, message.Sender, message.CipherPublicKey.Span, message.MaskPublicKey.Span, message.SelfMaskCommitment.Span), message.Signature.Span))
        {
            throw Reject(SecAggViolation.InvalidSignature, $"Client {message.Sender}'s advertised keys are not signed by its identity key.");
        }

        // Byte equality is key equality here: every key passed the canonical-encoding check above.
        string cipherKey = Convert.ToHexString(message.CipherPublicKey.Span);
        string maskKey = Convert.ToHexString(message.MaskPublicKey.Span);
        if (cipherKey == maskKey || _advertisedKeys.Contains(cipherKey) || _advertisedKeys.Contains(maskKey))
        {
            throw Reject(SecAggViolation.DuplicatePublicKey, $"Client {message.Sender} advertised a public key that is already in use in this round.");
        }

        _advertisedKeys.Add(cipherKey);
        _advertisedKeys.Add(maskKey);
        _advertised.Add(message.Sender, message);
        _received.Add(message.Sender);
    }

    /// <summary>Closes stage 0 and returns each live client's key directory (its live neighbours' keys).</summary>
    /// <returns>The key directory per client.</returns>
    /// <exception cref="RoundAbortedException">Too few clients advertised keys.</exception>
    public IReadOnlyDictionary<int, KeyDirectory> CloseAdvertiseKeys()
    {
        RequireStage(RoundStage.AdvertiseKeys);
        SortedSet<int> advertised = KeepClientsWithThreshold(new SortedSet<int>(_received), RoundStage.AdvertiseKeys);
        foreach (int dropped in _advertised.Keys.Where(c => !advertised.Contains(c)).ToList())
        {
            _advertised.Remove(dropped);
        }

        Advance(RoundStage.ShareKeys, advertised);
        var directories = new Dictionary<int, KeyDirectory>(advertised.Count);
        foreach (int client in advertised)
        {
            directories[client] = new KeyDirectory([.. _neighbours[client].Where(advertised.Contains).Select(v => _advertised[v])]);
        }

        return directories;
    }

    /// <summary>Stage 1: accepts a client's encrypted shares, exactly one per live neighbour.</summary>
    /// <param name="message">The shares.</param>
    /// <exception cref="SecAggProtocolException">The message is refused; the round is unchanged.</exception>
    public void AcceptShareKeys(ShareKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Admit(RoundStage.ShareKeys, message.Sender);
        var expected = new HashSet<int>(_neighbours[message.Sender].Where(_alive.Contains));
        var recipients = new HashSet<int>();
        foreach (EncryptedShare? share in message.Shares ?? [])
        {
            if (share is null || share.Sender != message.Sender)
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s shares must all name it as their sender.");
            }

            if (!expected.Contains(share.Recipient))
            {
                throw Reject(SecAggViolation.NotANeighbour, $"Client {message.Sender} addressed a share to client {share.Recipient}, which is not one of its live neighbours.");
            }

            if (!recipients.Add(share.Recipient))
            {
                throw Reject(SecAggViolation.DuplicateMessage, $"Client {message.Sender} sent two shares to client {share.Recipient}.");
            }

            if (share.Ciphertext.Length != ProtocolEncoding.ShareCiphertextSize)
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s share for client {share.Recipient} is {share.Ciphertext.Length} bytes; a share is {ProtocolEncoding.ShareCiphertextSize}.");
            }

            if (share.Commitments.Length != CommitmentEncoding.ShareCommitmentsSize)
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s share commitments for client {share.Recipient} are {share.Commitments.Length} bytes; they are {CommitmentEncoding.ShareCommitmentsSize}.");
            }

            // The dealer's signature commits it to exactly this ciphertext, so that a complaint about it is
            // evidence against the dealer and never about something the server altered.
            if (_parameters.Mode == SecAggMode.Active
                && !Signatures.Verify(_identityPublicKeys![message.Sender].Span, CommitmentEncoding.ShareSignaturePayload(_parameters.Round, message.Sender, share.Recipient, share.Commitments.Span, share.Ciphertext.Span), share.Signature.Span))
            {
                throw Reject(SecAggViolation.InvalidSignature, $"Client {message.Sender}'s share for client {share.Recipient} is not signed by its identity key.");
            }
        }

        if (recipients.Count != expected.Count)
        {
            throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} sent {recipients.Count} shares; it has {expected.Count} live neighbours.");
        }

        _shareKeys.Add(message.Sender, message);
        _received.Add(message.Sender);
    }

    /// <summary>Closes stage 1 and returns, per client, the shares its live neighbours addressed to it.</summary>
    /// <returns>The share delivery per client.</returns>
    /// <exception cref="RoundAbortedException">Too few clients shared keys.</exception>
    public IReadOnlyDictionary<int, ShareDelivery> CloseShareKeys()
    {
        RequireStage(RoundStage.ShareKeys);
        SortedSet<int> sharers = KeepClientsWithThreshold(new SortedSet<int>(_received), RoundStage.ShareKeys);
        var inbox = sharers.ToDictionary(c => c, _ => new List<EncryptedShare>());
        foreach (int sender in sharers)
        {
            foreach (EncryptedShare share in _shareKeys[sender].Shares)
            {
                if (inbox.TryGetValue(share.Recipient, out List<EncryptedShare>? shares))
                {
                    shares.Add(share);
                    _dealtShares[(sender, share.Recipient)] = share;
                }
            }
        }

        _shareKeys.Clear();
        _sharers = sharers;
        Advance(RoundStage.MaskedInput, sharers);
        return inbox.ToDictionary(pair => pair.Key, pair => new ShareDelivery(pair.Value));
    }

    /// <summary>Stage 2: accepts a client's masked input and its complaints, if any.</summary>
    /// <param name="message">The masked input.</param>
    /// <exception cref="SecAggProtocolException">The message is refused; the round is unchanged.</exception>
    public void AcceptMaskedInput(MaskedInput message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Admit(RoundStage.MaskedInput, message.Sender);
        if (message.Vector.Length != _parameters.VectorLength)
        {
            throw Reject(SecAggViolation.WrongVectorLength, $"Client {message.Sender}'s masked input has length {message.Vector.Length}; the round's vector length is {_parameters.VectorLength}.");
        }

        var dealers = new HashSet<int>();
        foreach (ShareComplaint? complaint in message.Complaints ?? [])
        {
            if (complaint is null || !_sharers.Contains(complaint.Dealer) || !_dealtShares.ContainsKey((complaint.Dealer, message.Sender)) || !dealers.Add(complaint.Dealer))
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} complained about client {complaint?.Dealer}, which dealt it no share or was named twice.");
            }

            if (complaint.SharedPoint.Length != Curve25519Points.EncodedSize || complaint.Proof.Length != SharePointProof.ProofSize)
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s complaint about client {complaint.Dealer} must hold a {Curve25519Points.EncodedSize}-byte point and a {SharePointProof.ProofSize}-byte proof.");
            }
        }

        _maskedInputs.Add(message.Sender, message.Vector.ToArray());
        foreach (ShareComplaint complaint in message.Complaints ?? [])
        {
            _complaints.Add((message.Sender, complaint));
        }

        _received.Add(message.Sender);
    }

    /// <summary>
    /// Closes stage 2: judges the complaints, and the clients whose inputs arrived, less the culprits, are the
    /// survivors U3; the sum will contain exactly their inputs. In semi-honest mode the list is the unmask
    /// request; in active mode, the list to sign.
    /// </summary>
    /// <returns>The survivor list to send to every survivor.</returns>
    /// <exception cref="RoundAbortedException">A survivor or a dropped client has fewer than t surviving neighbours, so its masks could not be removed.</exception>
    public SurvivorList CloseMaskedInput()
    {
        RequireStage(RoundStage.MaskedInput);
        JudgeComplaints();
        var survivors = new SortedSet<int>(_received.Where(c => !_culprits.Any(culprit => culprit.Client == c)));
        foreach (int client in _sharers)
        {
            int surviving = _neighbours[client].Count(survivors.Contains);
            if (surviving < _parameters.Threshold)
            {
                string role = survivors.Contains(client) ? "survivor" : "dropped client";
                throw Abort(RoundStage.MaskedInput, $"After MaskedInput {survivors.Count} of {_sharers.Count} clients remain; {role} {client} has {surviving} surviving neighbours, below the threshold {_parameters.Threshold}, so its masks could not be removed.");
            }
        }

        _survivors = survivors;
        _sum = new uint[_parameters.VectorLength];
        foreach (int survivor in survivors)
        {
            ModularVector.Add(_sum, _maskedInputs[survivor]);
        }

        foreach (int other in _maskedInputs.Keys.Where(c => !survivors.Contains(c)).ToList())
        {
            Array.Clear(_maskedInputs[other]);
            _maskedInputs.Remove(other);
        }

        int[] list = [.. survivors];
        if (_parameters.Mode == SecAggMode.Active)
        {
            _consistencyPayload = ProtocolEncoding.ConsistencyPayload(_parameters.Round, list);
            Advance(RoundStage.ConsistencyCheck, survivors);
        }
        else
        {
            Advance(RoundStage.Unmask, survivors);
        }

        return new SurvivorList(list);
    }

    /// <summary>Stage 3 (active mode): accepts a survivor's signature on the survivor list.</summary>
    /// <param name="message">The signature.</param>
    /// <exception cref="SecAggProtocolException">The message is refused; the round is unchanged.</exception>
    public void AcceptConsistencySignature(ConsistencySignature message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Admit(RoundStage.ConsistencyCheck, message.Sender);
        if (!Signatures.Verify(_identityPublicKeys![message.Sender].Span, _consistencyPayload, message.Signature.Span))
        {
            throw Reject(SecAggViolation.InvalidSignature, $"Client {message.Sender}'s signature on the survivor list does not verify.");
        }

        _consistencySignatures.Add(message);
        _received.Add(message.Sender);
    }

    /// <summary>Closes stage 3 (active mode) and returns the proof to send to every signer.</summary>
    /// <returns>The survivor list with at least t signatures.</returns>
    /// <exception cref="RoundAbortedException">Fewer than t survivors signed.</exception>
    public ConsistencyProof CloseConsistencyCheck()
    {
        RequireStage(RoundStage.ConsistencyCheck);
        if (_received.Count < _parameters.Threshold)
        {
            throw Abort(RoundStage.ConsistencyCheck, $"After ConsistencyCheck {_received.Count} survivors signed, below the threshold {_parameters.Threshold}.");
        }

        var proof = new ConsistencyProof([.. _survivors], [.. _consistencySignatures.OrderBy(s => s.Sender)]);
        Advance(RoundStage.Unmask, new SortedSet<int>(_received));
        return proof;
    }

    /// <summary>
    /// Stage 4: accepts a client's revealed shares (for each neighbour it holds, b_v if v survived, else s_v) and
    /// pair points of dropped neighbours. A share that does not open the dealer's commitment is left out and its
    /// revealer named a culprit (specs/protocol.md §2.8).
    /// </summary>
    /// <param name="message">The shares.</param>
    /// <exception cref="SecAggProtocolException">The message is refused; the round is unchanged.</exception>
    public void AcceptUnmask(UnmaskShares message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Admit(RoundStage.Unmask, message.Sender);
        var expected = new HashSet<int>(_neighbours[message.Sender].Where(_sharers.Contains));
        var owners = new HashSet<int>();
        var decoded = new List<(int Owner, SecretKind Kind, ShamirShare Share, bool Opens)>();
        try
        {
            foreach (RevealedShare? revealed in message.Shares ?? [])
            {
                if (revealed is null || !expected.Contains(revealed.Owner) || !owners.Add(revealed.Owner))
                {
                    throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} revealed a share of client {revealed?.Owner}, which it does not hold or revealed twice.");
                }

                SecretKind wanted = _survivors.Contains(revealed.Owner) ? SecretKind.SelfMaskSeed : SecretKind.MaskKey;
                if (revealed.Kind != wanted)
                {
                    throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} revealed the {revealed.Kind} share of client {revealed.Owner}; the round needs its {wanted} share.");
                }

                if (revealed.Salt.Length != CommitmentEncoding.SaltSize)
                {
                    throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s share of client {revealed.Owner} must carry a {CommitmentEncoding.SaltSize}-byte salt.");
                }

                ShamirShare share;
                try
                {
                    share = ShamirShare.Decode(revealed.Share.Span);
                }
                catch (ArgumentException ex)
                {
                    throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s share of client {revealed.Owner} does not decode.", ex);
                }

                decoded.Add((revealed.Owner, revealed.Kind, share, OpensCommitment(revealed.Owner, message.Sender, revealed)));
                if (share.Index != message.Sender)
                {
                    throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s share of client {revealed.Owner} is not evaluated at its own point.");
                }
            }

            // Every share dealt to the sender must come back, except those a proven complaint showed to be invalid.
            if (owners.Count != expected.Count(o => !_invalidDealings.Contains((o, message.Sender))))
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} revealed {owners.Count} shares; it holds valid shares of more neighbours.");
            }

            // Pair points are asked for at Expel, and only those the server needs (specs/protocol.md §2.9).
            if (message.PairPoints is { Count: > 0 })
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} revealed pair points at Unmask; the server asks for those it needs at Expel.");
            }
        }
        catch
        {
            foreach ((_, _, ShamirShare share, _) in decoded)
            {
                share.Dispose();
            }

            throw;
        }

        if (decoded.Any(d => !d.Opens))
        {
            // Only shares as dealt may enter reconstruction: the message is refused (the round is otherwise
            // unchanged) and its sender, who altered a share, is named.
            foreach ((_, _, ShamirShare share, _) in decoded)
            {
                share.Dispose();
            }

            AddCulprit(message.Sender, Misbehaviour.WrongRevealedShare);
            throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} revealed a share that does not open its dealer's commitment.");
        }

        foreach ((int owner, SecretKind kind, ShamirShare share, bool opens) in decoded)
        {
            Dictionary<int, List<ShamirShare>> store = kind == SecretKind.SelfMaskSeed ? _selfMaskShares : _maskKeyShares;
            if (!store.TryGetValue(owner, out List<ShamirShare>? list))
            {
                store[owner] = list = [];
            }

            list.Add(share);
        }

        foreach (RevealedShare revealed in message.Shares ?? [])
        {
            if (revealed.Kind == SecretKind.SelfMaskSeed)
            {
                _revealedSelfMaskShares[(revealed.Owner, message.Sender)] = revealed with { Share = revealed.Share.ToArray(), Salt = revealed.Salt.ToArray() };
            }
        }

        _received.Add(message.Sender);
    }

    /// <summary>
    /// Closes stage 4: reconstructs and verifies b_u of every survivor (against its commitment C_u) and s_v of every
    /// client that dropped after sharing (against its advertised s_v^PK), removes those masks, and returns the sum of
    /// exactly the survivors' inputs. Two cases need the second pass (<see cref="RoundStage.Expel"/>, specs/protocol.md
    /// §2.9), which asks the survivors that unmasked for proven pair points: a survivor whose b_u cannot be reconstructed
    /// although at least t shares, each opening its own commitment, were revealed dealt inconsistently, so it is named
    /// (<see cref="Misbehaviour.InconsistentSharing"/>) and its masked input leaves the sum; and a dropped client whose
    /// s_v has fewer than t usable shares or dealt them inconsistently (then also named).
    /// </summary>
    /// <returns>The sum and the clients it contains; <see langword="null"/> when the round moved to <see cref="RoundStage.Expel"/> (see <see cref="Expulsion"/>).</returns>
    /// <exception cref="RoundAbortedException">A survivor's b_u has fewer than t usable shares, or a pair point the round needs belongs to a surviving neighbour that did not answer Unmask (only it and its peer can make it).</exception>
    public AggregationResult? CloseUnmask()
    {
        RequireStage(RoundStage.Unmask);
        foreach (int client in _survivors)
        {
            int revealed = _selfMaskShares.GetValueOrDefault(client)?.Count ?? 0;
            if (revealed < _parameters.Threshold)
            {
                throw Abort(RoundStage.Unmask, $"After Unmask {_received.Count} clients answered; the self-mask seed of survivor {client} has {revealed} usable shares, below the threshold {_parameters.Threshold}.");
            }
        }

        List<MaskRemoval> removals = ReconstructSelfMasks();
        ReconstructDroppedMaskKeys(removals);
        if (_expelled.Count == 0 && _unrecoveredDropped.Count == 0)
        {
            return Complete(RoundStage.Unmask, removals);
        }

        SortedSet<int> included = Included();
        string? missing = included.Count == 0 ? "Every survivor dealt inconsistent shares and is expelled; nothing remains to sum." : null;
        foreach (int peer in _expelled.Concat(_unrecoveredDropped))
        {
            // The pair point (v, u) exists only with v and u: a neighbour that did not unmask cannot be asked for it.
            foreach (int neighbour in _neighbours[peer].Where(included.Contains))
            {
                if (missing is null && !_received.Contains(neighbour))
                {
                    missing = _expelled.Contains(peer)
                        ? $"Survivor {peer} dealt shares of its self-mask seed that reconstruct no seed matching its commitment and is expelled, but its surviving neighbour {neighbour} did not answer Unmask, so the pairwise mask they share cannot be removed."
                        : $"After Unmask {_received.Count} clients answered; the mask key of dropped client {peer} has {_maskKeyShares.GetValueOrDefault(peer)?.Count ?? 0} usable shares (threshold {_parameters.Threshold}) and its surviving neighbour {neighbour} did not answer Unmask, so it cannot give its pair point.";
                }
            }
        }

        if (missing is not null)
        {
            ZeroSecrets(removals);
            throw Abort(RoundStage.Unmask, missing);
        }

        foreach (int culprit in _expelled)
        {
            ModularVector.Subtract(_sum!, _maskedInputs[culprit]);
        }

        _pendingRemovals = removals;
        Expulsion = new ExpulsionRequest([.. _expelled.Select(Evidence)], [.. _unrecoveredDropped]);
        Advance(RoundStage.Expel, new SortedSet<int>(_received.Where(included.Contains)));
        return null;
    }

    /// <summary>
    /// Stage 5: accepts a client's proven pair points with the expelled culprits and the unrecovered dropped clients that
    /// are its neighbours (specs/protocol.md §2.9).
    /// A point whose proof fails is found at close, left out and its revealer named.
    /// </summary>
    /// <param name="message">The pair points.</param>
    /// <exception cref="SecAggProtocolException">The message is refused; the round is unchanged.</exception>
    public void AcceptExpel(ExpulsionPairPoints message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Admit(RoundStage.Expel, message.Sender);
        var peers = new HashSet<int>();
        foreach (RevealedPairPoint? point in message.PairPoints ?? [])
        {
            if (point is null || !(_expelled.Contains(point.Peer) || _unrecoveredDropped.Contains(point.Peer)) || !_neighbours[message.Sender].Contains(point.Peer) || !peers.Add(point.Peer))
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender} revealed a pair point with client {point?.Peer}, which is not a neighbour the expulsion request names, or was named twice.");
            }

            if (point.SharedPoint.Length != Curve25519Points.EncodedSize || point.Proof.Length != SharePointProof.ProofSize)
            {
                throw Reject(SecAggViolation.MalformedMessage, $"Client {message.Sender}'s pair point with client {point.Peer} must hold a {Curve25519Points.EncodedSize}-byte point and a {SharePointProof.ProofSize}-byte proof.");
            }
        }

        foreach (RevealedPairPoint point in message.PairPoints ?? [])
        {
            _pairPoints[(point.Peer, message.Sender)] = point;
        }

        _received.Add(message.Sender);
    }

    /// <summary>
    /// Closes stage 5: removes every mask as <see cref="CloseUnmask"/> does, and the pairwise masks each expelled culprit
    /// and each unrecovered dropped client shares with its surviving neighbours, from their proven pair points; returns
    /// the sum of exactly the survivors' inputs less the culprits'.
    /// </summary>
    /// <returns>The sum and the clients it contains.</returns>
    /// <exception cref="RoundAbortedException">A surviving neighbour gave no valid pair point that the round needs.</exception>
    public AggregationResult CloseExpel()
    {
        RequireStage(RoundStage.Expel);
        List<MaskRemoval> removals = _pendingRemovals!;
        _pendingRemovals = null;
        return Complete(RoundStage.Expel, removals);
    }

    /// <summary>Aborts the round from outside (for example the session was cancelled); nothing is revealed.</summary>
    /// <param name="reason">Why, for the record.</param>
    public void Abort(string reason)
    {
        if (Stage < RoundStage.Completed)
        {
            _ = Abort(Stage, reason);
        }
    }

    private AggregationResult Complete(RoundStage stage, List<MaskRemoval> removals)
    {
        string? failure = AddPairPointMasks(removals);
        if (failure is not null)
        {
            ZeroSecrets(removals);
            throw Abort(stage, failure);
        }

        uint[] sum = _sum!;
        RemoveMasks(sum, removals);
        _sum = null;
        ClearShares();
        ClearMaskedInputs();
        _dealtShares.Clear();
        _revealedSelfMaskShares.Clear();
        _pairPoints.Clear();
        Stage = RoundStage.Completed;
        _alive = [];
        _received.Clear();
        return new AggregationResult(sum, [.. Included()]);
    }

    /// <summary>The survivors whose inputs the sum holds: U3 less the expelled culprits.</summary>
    private SortedSet<int> Included() => new(_survivors.Where(c => !_expelled.Contains(c)));

    /// <summary>Reconstructs and verifies b_u of every survivor; a survivor whose shares reconstruct no seed matching C_u is named and expelled.</summary>
    private List<MaskRemoval> ReconstructSelfMasks()
    {
        var removals = new List<MaskRemoval>();
        byte[] secret = new byte[Shamir.SecretSize];
        try
        {
            foreach (int survivor in _survivors)
            {
                if (!TryReconstructVerified(_selfMaskShares[survivor], secret, candidate => SelfMaskMatches(survivor, candidate)))
                {
                    // Every share used opened the survivor's own commitments, so the survivor dealt them; as at least t
                    // were tried, all of them together prove it (specs/protocol.md §2.9).
                    AddCulprit(survivor, Misbehaviour.InconsistentSharing);
                    _expelled.Add(survivor);
                    continue;
                }

                _reconstructed.Add((survivor, SecretKind.SelfMaskSeed));
                removals.Add(new MaskRemoval(secret.ToArray(), null, AddedByClient: true));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        return removals;
    }

    /// <summary>Every revealed share of the culprit's b_u, with what the culprit dealt for it.</summary>
    private CulpritEvidence Evidence(int culprit)
    {
        bool active = _parameters.Mode == SecAggMode.Active;
        var shares = new List<DealtShareEvidence>();
        foreach (((int owner, int holder), RevealedShare revealed) in _revealedSelfMaskShares.OrderBy(r => r.Key.Holder))
        {
            if (owner != culprit)
            {
                continue;
            }

            EncryptedShare dealt = _dealtShares[(culprit, holder)];
            shares.Add(new DealtShareEvidence(holder, revealed.Share, revealed.Salt, dealt.Commitments, active ? dealt.Ciphertext : default, active ? dealt.Signature : default));
        }

        return new CulpritEvidence(culprit, shares);
    }

    /// <summary>
    /// Adds to <paramref name="removals"/> the masks of every client that dropped after sharing whose s_v is verified;
    /// the others are left for the pair points (<see cref="_unrecoveredDropped"/>).
    /// </summary>
    private void ReconstructDroppedMaskKeys(List<MaskRemoval> removals)
    {
        SortedSet<int> included = Included();
        byte[] secret = new byte[Shamir.SecretSize];
        try
        {
            foreach (int dropped in _sharers.Where(c => !_survivors.Contains(c)))
            {
                int[] survivingNeighbours = [.. _neighbours[dropped].Where(included.Contains)];
                List<ShamirShare> shares = _maskKeyShares.GetValueOrDefault(dropped) ?? [];
                _reconstructed.Add((dropped, SecretKind.MaskKey));
                if (shares.Count >= _parameters.Threshold)
                {
                    if (TryReconstructVerified(shares, secret, candidate => MaskKeyMatches(dropped, candidate)))
                    {
                        foreach (int survivor in survivingNeighbours)
                        {
                            // The survivor masked with +PRG(s_uv) if it has the smaller index, −PRG(s_uv) otherwise.
                            removals.Add(new MaskRemoval(secret.ToArray(), new PairEnds(dropped, _advertised[dropped].MaskPublicKey, survivor, _advertised[survivor].MaskPublicKey), AddedByClient: survivor < dropped));
                        }

                        continue;
                    }

                    AddCulprit(dropped, Misbehaviour.InconsistentSharing);
                }

                // s_v is unusable (too few shares, or v dealt inconsistently): each surviving neighbour's proven pair
                // point gives the one seed it shares with v.
                if (survivingNeighbours.Length > 0)
                {
                    _unrecoveredDropped.Add(dropped);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// Adds to <paramref name="removals"/> the pairwise masks of every expelled culprit and unrecovered dropped client
    /// from the pair points; returns why the round must abort, or <see langword="null"/>.
    /// </summary>
    private string? AddPairPointMasks(List<MaskRemoval> removals)
    {
        SortedSet<int> included = Included();

        // An expelled culprit's y_u left the sum; the mask m_uv it shares with each surviving neighbour v is still in
        // y_v, and v's proven pair point gives its seed (the culprit's s_u stays unshared: its holders revealed b_u).
        foreach (int culprit in _expelled)
        {
            _reconstructed.Add((culprit, SecretKind.MaskKey));
        }

        foreach (int peer in _expelled.Concat(_unrecoveredDropped))
        {
            foreach (int survivor in _neighbours[peer].Where(included.Contains))
            {
                byte[] seed = new byte[MaskGenerator.SeedSize];
                if (!TryPairSeed(peer, survivor, seed))
                {
                    return _expelled.Contains(peer)
                        ? $"After Expel {_received.Count} clients answered; survivor {survivor} gave no valid pair point with expelled client {peer}, so the pairwise mask they share cannot be removed."
                        : $"After Expel {_received.Count} clients answered; the mask key of dropped client {peer} has {_maskKeyShares.GetValueOrDefault(peer)?.Count ?? 0} usable shares (threshold {_parameters.Threshold}) and survivor {survivor} gave no proven pair point with it.";
                }

                removals.Add(new MaskRemoval(seed, null, AddedByClient: survivor < peer));
            }
        }

        return null;
    }

    private static void ZeroSecrets(List<MaskRemoval> removals)
    {
        foreach (MaskRemoval removal in removals)
        {
            CryptographicOperations.ZeroMemory(removal.Secret);
        }
    }

    private bool TryPairSeed(int dropped, int survivor, byte[] seed)
    {
        if (!_pairPoints.TryGetValue((dropped, survivor), out RevealedPairPoint? point))
        {
            return false;
        }

        if (!SharePointProof.Verify(SharePointProof.PairPointDomain, _advertised[survivor].MaskPublicKey.Span, _advertised[dropped].MaskPublicKey.Span, _parameters.Round, dropped, survivor, point.SharedPoint.Span, point.Proof.Span))
        {
            AddCulprit(survivor, Misbehaviour.WrongRevealedShare);
            return false;
        }

        Kdf.DeriveKey(point.SharedPoint.Span[..KeyAgreementKey.KeySize], KdfLabels.MaskSeed, PairwiseKeys.PairContext(_parameters.Round, dropped, _advertised[dropped].MaskPublicKey.Span, survivor, _advertised[survivor].MaskPublicKey.Span), seed);
        return true;
    }

    /// <summary>
    /// Reconstructs from t shares (all as dealt) and accepts only a secret that passes <paramref name="verify"/>;
    /// with more than t shares, tries each window of t consecutive shares, then other t-subsets in lexicographic order
    /// (at most <see cref="MaxSubsetTrials"/>), so that shares a cheating dealer drew from another polynomial do not hide
    /// the secret the others encode (issue 9 §3: "find a consistent subset").
    /// </summary>
    private bool TryReconstructVerified(List<ShamirShare> shares, byte[] secret, Func<byte[], bool> verify)
    {
        int t = _parameters.Threshold;
        for (int start = 0; start + t <= shares.Count; start++)
        {
            if (TryCandidate(shares.GetRange(start, t), t, secret, verify))
            {
                return true;
            }
        }

        // Only a dealer that dealt inconsistent shares gets here (every share opened the dealer's own commitment), so the
        // search is off the honest path; its bound keeps a cheating dealer from making the server work without end.
        if (shares.Count > t)
        {
            int[] pick = [.. Enumerable.Range(0, t)];
            var subset = new List<ShamirShare>(t);
            for (int trial = 0; trial < MaxSubsetTrials && NextCombination(pick, shares.Count); trial++)
            {
                subset.Clear();
                subset.AddRange(pick.Select(i => shares[i]));
                if (TryCandidate(subset, t, secret, verify))
                {
                    return true;
                }
            }
        }

        CryptographicOperations.ZeroMemory(secret);
        return false;
    }

    /// <summary>The most t-subsets <see cref="TryReconstructVerified"/> tries beyond the consecutive windows.</summary>
    private const int MaxSubsetTrials = 4096;

    private static bool TryCandidate(List<ShamirShare> subset, int t, byte[] secret, Func<byte[], bool> verify)
    {
        try
        {
            Shamir.Reconstruct(subset, t, secret);
        }
        catch (SecretSharingException)
        {
            return false;
        }

        return verify(secret);
    }

    /// <summary>Advances <paramref name="pick"/> (ascending indices below <paramref name="n"/>) to the next combination.</summary>
    private static bool NextCombination(int[] pick, int n)
    {
        int k = pick.Length;
        int i = k - 1;
        while (i >= 0 && pick[i] == n - k + i)
        {
            i--;
        }

        if (i < 0)
        {
            return false;
        }

        pick[i]++;
        for (int j = i + 1; j < k; j++)
        {
            pick[j] = pick[j - 1] + 1;
        }

        return true;
    }

    private bool SelfMaskMatches(int client, byte[] candidate)
    {
        Span<byte> commitment = stackalloc byte[CommitmentEncoding.CommitmentSize];
        CommitmentEncoding.SelfMaskCommitment(_parameters.Round, client, candidate, commitment);
        return CryptographicOperations.FixedTimeEquals(commitment, _advertised[client].SelfMaskCommitment.Span);
    }

    private bool MaskKeyMatches(int client, byte[] candidate)
    {
        using var key = KeyAgreementKey.Import(candidate);
        return CryptographicOperations.FixedTimeEquals(key.PublicKey, _advertised[client].MaskPublicKey.Span);
    }

    private bool OpensCommitment(int dealer, int holder, RevealedShare revealed)
    {
        ReadOnlySpan<byte> commitments = _dealtShares[(dealer, holder)].Commitments.Span;
        ReadOnlySpan<byte> commitment = revealed.Kind == SecretKind.SelfMaskSeed
            ? commitments[..CommitmentEncoding.CommitmentSize]
            : commitments[CommitmentEncoding.CommitmentSize..];
        return CommitmentEncoding.OpensShareCommitment(_parameters.Round, dealer, holder, revealed.Kind, revealed.Share.Span, revealed.Salt.Span, commitment);
    }

    /// <summary>
    /// Judges every complaint: a valid proof over a share that really fails makes the dealer a culprit; an invalid
    /// proof, or a share that opens and matches its commitments, makes the complainant one.
    /// </summary>
    private void JudgeComplaints()
    {
        foreach ((int complainant, ShareComplaint complaint) in _complaints)
        {
            bool proven = SharePointProof.Verify(SharePointProof.ComplaintDomain, _advertised[complainant].CipherPublicKey.Span, _advertised[complaint.Dealer].CipherPublicKey.Span, _parameters.Round, complaint.Dealer, complainant, complaint.SharedPoint.Span, complaint.Proof.Span);
            if (proven && ShareFails(complaint.Dealer, complainant, complaint.SharedPoint.Span[..KeyAgreementKey.KeySize]))
            {
                AddCulprit(complaint.Dealer, Misbehaviour.InvalidShare);
                _invalidDealings.Add((complaint.Dealer, complainant));
            }
            else
            {
                AddCulprit(complainant, Misbehaviour.FalseComplaint);
            }
        }

        _complaints.Clear();
    }

    /// <summary>Whether the share the dealer sealed for the holder fails exactly as the holder's own check would.</summary>
    private bool ShareFails(int dealer, int holder, ReadOnlySpan<byte> sharedSecret)
    {
        EncryptedShare share = _dealtShares[(dealer, holder)];
        byte[] shareKey = new byte[Aead.KeySize];
        byte[] plaintext = new byte[ProtocolEncoding.SharePlaintextSize];
        try
        {
            Kdf.DeriveKey(sharedSecret, KdfLabels.ShareKey, PairwiseKeys.PairContext(_parameters.Round, dealer, _advertised[dealer].CipherPublicKey.Span, holder, _advertised[holder].CipherPublicKey.Span), shareKey);
            try
            {
                Aead.Decrypt(shareKey, share.Ciphertext.Span, ProtocolEncoding.ShareAssociatedData(_parameters.Round, dealer, holder), plaintext);
            }
            catch (AuthenticationTagMismatchException)
            {
                return true;
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(plaintext) != (uint)dealer || BinaryPrimitives.ReadUInt32LittleEndian(plaintext.AsSpan(sizeof(uint))) != (uint)holder)
            {
                return true;
            }

            return !SharePartOpens(dealer, holder, SecretKind.SelfMaskSeed, plaintext.AsSpan(ProtocolEncoding.SelfMaskShareOffset), share.Commitments.Span[..CommitmentEncoding.CommitmentSize])
                || !SharePartOpens(dealer, holder, SecretKind.MaskKey, plaintext.AsSpan(ProtocolEncoding.MaskKeyShareOffset), share.Commitments.Span[CommitmentEncoding.CommitmentSize..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shareKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private bool SharePartOpens(int dealer, int holder, SecretKind kind, ReadOnlySpan<byte> part, ReadOnlySpan<byte> commitment)
    {
        ReadOnlySpan<byte> encoded = part[..ShamirShare.EncodedSize];
        if (!CommitmentEncoding.OpensShareCommitment(_parameters.Round, dealer, holder, kind, encoded, part.Slice(ShamirShare.EncodedSize, CommitmentEncoding.SaltSize), commitment))
        {
            return false;
        }

        try
        {
            using ShamirShare decoded = ShamirShare.Decode(encoded);
            return decoded.Index == holder;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void AddCulprit(int client, Misbehaviour misbehaviour)
    {
        if (!_culprits.Any(c => c.Client == client))
        {
            _culprits.Add(new RoundCulprit(client, misbehaviour));
        }
    }

    private void ClearMaskedInputs()
    {
        foreach (uint[] input in _maskedInputs.Values)
        {
            Array.Clear(input);
        }

        _maskedInputs.Clear();
    }

    private void RemoveMasks(uint[] sum, List<MaskRemoval> removals)
    {
        // Each worker expands its share of the masks into its own accumulator, in parallel across cores;
        // the accumulators are then subtracted from the sum.
        int workers = Math.Max(1, Math.Min(Environment.ProcessorCount, removals.Count));
        uint[][] accumulators = new uint[workers][];
        Parallel.For(0, workers, worker =>
        {
            uint[] accumulator = accumulators[worker] = new uint[sum.Length];
            byte[] seed = new byte[MaskGenerator.SeedSize];
            try
            {
                for (int i = worker; i < removals.Count; i += workers)
                {
                    MaskRemoval removal = removals[i];
                    ReadOnlySpan<byte> maskSeed = removal.Secret;
                    if (removal.Pair is PairEnds pair)
                    {
                        using var droppedKey = KeyAgreementKey.Import(removal.Secret);
                        PairwiseKeys.DeriveMaskSeed(droppedKey, pair.Dropped, pair.DroppedMaskPublicKey.Span, pair.Survivor, pair.SurvivorMaskPublicKey.Span, _parameters.Round, seed);
                        maskSeed = seed;
                    }

                    if (removal.AddedByClient)
                    {
                        MaskGenerator.AddMask(maskSeed, accumulator);
                    }
                    else
                    {
                        MaskGenerator.SubtractMask(maskSeed, accumulator);
                    }

                    CryptographicOperations.ZeroMemory(removal.Secret);
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        });

        foreach (uint[] accumulator in accumulators)
        {
            ModularVector.Subtract(sum, accumulator);
        }
    }

    private SortedSet<int> KeepClientsWithThreshold(SortedSet<int> clients, RoundStage stage)
    {
        // A client with fewer than t live neighbours cannot share its secrets safely; removing it can leave a
        // neighbour short, so repeat until stable. No input exists yet, so dropping them reveals nothing.
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (int client in clients.ToList())
            {
                if (_neighbours[client].Count(clients.Contains) < _parameters.Threshold)
                {
                    clients.Remove(client);
                    changed = true;
                }
            }
        }

        if (clients.Count <= _parameters.Threshold)
        {
            throw Abort(stage, $"After {stage} {_received.Count} of {_alive.Count} clients answered; fewer than t + 1 = {_parameters.Threshold + 1} of them keep the threshold t = {_parameters.Threshold} of live neighbours.");
        }

        return clients;
    }

    private void Admit(RoundStage stage, int sender)
    {
        if (Stage >= RoundStage.Completed)
        {
            throw new SecAggProtocolException(SecAggViolation.RoundEnded, $"Round {_parameters.Round} has ended ({Stage}).");
        }

        if (sender < 1 || sender > _parameters.ParticipantCount)
        {
            throw Reject(SecAggViolation.UnknownParticipant, $"Client {sender} is not a participant of round {_parameters.Round}.");
        }

        if (Stage != stage)
        {
            throw Reject(SecAggViolation.StageOutOfOrder, $"A {stage} message from client {sender} arrived while the round is at stage {Stage}.");
        }

        if (!_alive.Contains(sender))
        {
            throw Reject(SecAggViolation.NotAlive, $"Client {sender} dropped out of round {_parameters.Round} before stage {stage}.");
        }

        if (_received.Contains(sender))
        {
            throw Reject(SecAggViolation.DuplicateMessage, $"Client {sender} already sent its {stage} message.");
        }
    }

    private void RequireStage(RoundStage stage)
    {
        if (Stage != stage)
        {
            throw new SecAggProtocolException(
                Stage >= RoundStage.Completed ? SecAggViolation.RoundEnded : SecAggViolation.StageOutOfOrder,
                $"Cannot close {stage}: round {_parameters.Round} is at stage {Stage}.");
        }
    }

    private void Advance(RoundStage next, SortedSet<int> alive)
    {
        Stage = next;
        _alive = alive;
        _received.Clear();
    }

    private static SecAggProtocolException Reject(SecAggViolation violation, string message, Exception? inner = null) =>
        new(violation, message, inner);

    private RoundAbortedException Abort(RoundStage stage, string reason)
    {
        if (_sum is not null)
        {
            Array.Clear(_sum);
            _sum = null;
        }

        ClearShares();
        ClearMaskedInputs();
        if (_pendingRemovals is not null)
        {
            ZeroSecrets(_pendingRemovals);
            _pendingRemovals = null;
        }

        _shareKeys.Clear();
        _dealtShares.Clear();
        _revealedSelfMaskShares.Clear();
        _pairPoints.Clear();
        Stage = RoundStage.Aborted;
        AbortReason = reason;
        _alive = [];
        _received.Clear();
        return new RoundAbortedException(stage, reason);
    }

    private void ClearShares()
    {
        foreach (List<ShamirShare> shares in _selfMaskShares.Values.Concat(_maskKeyShares.Values))
        {
            foreach (ShamirShare share in shares)
            {
                share.Dispose();
            }
        }

        _selfMaskShares.Clear();
        _maskKeyShares.Clear();
    }

    private sealed record MaskRemoval(byte[] Secret, PairEnds? Pair, bool AddedByClient);

    /// <summary>The dropped client whose reconstructed key re-derives s_uv, the survivor, and both advertised mask keys (the seed binds them).</summary>
    private sealed record PairEnds(int Dropped, ReadOnlyMemory<byte> DroppedMaskPublicKey, int Survivor, ReadOnlyMemory<byte> SurvivorMaskPublicKey);
}
