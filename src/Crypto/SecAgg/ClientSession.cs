using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// One client's side of one secure-aggregation round (Bonawitz et al. CCS'17, Figure 4, with the neighbour
/// graphs of Bell et al. CCS'20): one method per stage, each taking the server's message and returning the
/// client's reply (specs/protocol.md §2.3).
/// </summary>
/// <remarks>
/// The client trusts the server with nothing. It checks every message itself, and on any violation it
/// erases its secrets, moves to <see cref="ClientStage.Aborted"/> and throws
/// <see cref="SecAggProtocolException"/> naming the rule. It never reveals both shares of one neighbour,
/// because it answers one unmask request per round and chooses the share kind from one survivor list.
/// </remarks>
public sealed class ClientSession : IDisposable
{
    private readonly SecAggParameters _parameters;
    private readonly NeighbourGraph _graph;
    private readonly SigningKey? _identityKey;
    private readonly IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? _identityPublicKeys;
    private readonly Dictionary<int, AdvertisedKeys> _liveNeighbours = [];
    private readonly SortedDictionary<int, (ShamirShare SelfMaskSeed, byte[] SelfMaskSalt, ShamirShare MaskKey, byte[] MaskKeySalt)> _heldShares = [];

    // N(u) ∩ U2: every neighbour whose share reached this client, valid or not; the masks cover all of them.
    private readonly SortedSet<int> _sharingNeighbours = [];

    // Every key, seed, Shamir coefficient and nonce of the round comes from here: the CSPRNG in production.
    private readonly IRandomSource _random;
    private readonly SecureRandom? _ownedRandom;

    // The share key of each pair serves both directions; kept from ShareKeys to open the peer's shares.
    private readonly Dictionary<int, byte[]> _shareKeys = [];
    private KeyAgreementKey? _cipherKey;
    private KeyAgreementKey? _maskKey;
    private byte[]? _selfMaskSeed;
    private int[]? _signedSurvivors;
    private int[]? _unmaskedSurvivors;

    /// <summary>Creates the client's state for a round.</summary>
    /// <param name="parameters">The round's parameters, as announced by the server and checked by the caller.</param>
    /// <param name="index">This client's index in the round, 1 … n.</param>
    /// <param name="identityKey">Active mode: this client's Ed25519 identity key (not owned: the caller disposes it).</param>
    /// <param name="identityPublicKeys">Active mode: every participant's identity public key, by index, from an authentic source (enrolment).</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is not 1 … n.</exception>
    /// <exception cref="ArgumentException">Active mode without identity keys, or this client's key does not match its entry.</exception>
    public ClientSession(
        SecAggParameters parameters,
        int index,
        SigningKey? identityKey = null,
        IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityPublicKeys = null)
        : this(parameters, index, identityKey, identityPublicKeys, random: null)
    {
    }

    /// <summary>Creates the client's state for a round drawing its randomness from <paramref name="random"/> (the operating system's CSPRNG when null).</summary>
    internal ClientSession(
        SecAggParameters parameters,
        int index,
        SigningKey? identityKey,
        IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityPublicKeys,
        IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, parameters.ParticipantCount);
        if (parameters.Mode == SecAggMode.Active)
        {
            ArgumentNullException.ThrowIfNull(identityKey);
            ArgumentNullException.ThrowIfNull(identityPublicKeys);
            if (!identityPublicKeys.TryGetValue(index, out ReadOnlyMemory<byte> own) || !own.Span.SequenceEqual(identityKey.PublicKey))
            {
                throw new ArgumentException("The identity key does not match this client's entry in the identity public keys.", nameof(identityKey));
            }
        }

        _parameters = parameters;
        _graph = NeighbourGraph.Create(parameters);
        _identityKey = identityKey;
        _identityPublicKeys = identityPublicKeys;
        _ownedRandom = random is null ? new SecureRandom() : null;
        _random = random ?? _ownedRandom!;
        Index = index;
    }

    /// <summary>Gets this client's index in the round.</summary>
    public int Index { get; }

    /// <summary>Gets where the client is in the round.</summary>
    public ClientStage Stage { get; private set; } = ClientStage.Ready;

    /// <summary>
    /// Stage 0: creates the round keys c_u and s_u and the self-mask seed b_u, and advertises the public keys
    /// with the commitment C_u to b_u (specs/protocol.md §2.8).
    /// </summary>
    /// <returns>The advertisement, signed in active mode.</returns>
    /// <exception cref="SecAggProtocolException">Called twice or after the round ended.</exception>
    public AdvertisedKeys AdvertiseKeys()
    {
        Expect(ClientStage.Ready, nameof(AdvertiseKeys));
        _cipherKey = KeyAgreementKey.Generate(_random);
        _maskKey = KeyAgreementKey.Generate(_random);

        // b_u is fixed before any neighbour's key is seen, so that the commitment binds the secret that is later shared.
        _selfMaskSeed = new byte[MaskGenerator.SeedSize];
        _random.Fill(_selfMaskSeed);
        byte[] commitment = new byte[CommitmentEncoding.CommitmentSize];
        CommitmentEncoding.SelfMaskCommitment(_parameters.Round, Index, _selfMaskSeed, commitment);
        byte[] signature = [];
        if (_parameters.Mode == SecAggMode.Active)
        {
            signature = _identityKey!.Sign(ProtocolEncoding.AdvertisePayload(_parameters.Round, Index, _cipherKey.PublicKey, _maskKey.PublicKey, commitment));
        }

        Stage = ClientStage.KeysAdvertised;
        return new AdvertisedKeys(Index, _cipherKey.PublicKey.ToArray(), _maskKey.PublicKey.ToArray(), signature, commitment);
    }

    /// <summary>
    /// Stage 1: checks the neighbours' keys, draws the self-mask seed b_u, Shamir-splits b_u and s_u's private
    /// key among the live neighbours (threshold t), and encrypts each neighbour's pair of shares to it.
    /// </summary>
    /// <param name="directory">The live neighbours' advertisements.</param>
    /// <returns>One encrypted share pair per live neighbour.</returns>
    /// <exception cref="SecAggProtocolException">A rule is broken; the client has aborted.</exception>
    public ShareKeys ShareKeys(KeyDirectory directory)
    {
        Expect(ClientStage.KeysAdvertised, nameof(ShareKeys));
        ArgumentNullException.ThrowIfNull(directory);
        var seenKeys = new HashSet<string>(StringComparer.Ordinal)
        {
            Convert.ToHexString(_cipherKey!.PublicKey),
            Convert.ToHexString(_maskKey!.PublicKey),
        };
        foreach (AdvertisedKeys? entry in directory.Entries ?? [])
        {
            if (entry is null)
            {
                throw Fail(SecAggViolation.MalformedMessage, "The key directory has an empty entry.");
            }

            if (!_graph.AreNeighbours(Index, entry.Sender))
            {
                throw Fail(SecAggViolation.NotANeighbour, $"The key directory lists client {entry.Sender}, which is not a neighbour of client {Index} in the round's graph.");
            }

            if (_liveNeighbours.ContainsKey(entry.Sender))
            {
                throw Fail(SecAggViolation.DuplicateMessage, $"The key directory lists client {entry.Sender} twice.");
            }

            if (entry.CipherPublicKey.Length != KeyAgreementKey.KeySize || entry.MaskPublicKey.Length != KeyAgreementKey.KeySize)
            {
                throw Fail(SecAggViolation.InvalidPublicKey, $"Client {entry.Sender}'s round public keys are not 32 bytes each.");
            }

            if (entry.SelfMaskCommitment.Length != CommitmentEncoding.CommitmentSize)
            {
                throw Fail(SecAggViolation.MalformedMessage, $"Client {entry.Sender}'s self-mask commitment is not {CommitmentEncoding.CommitmentSize} bytes.");
            }

            if (!X25519PublicKey.IsValid(entry.CipherPublicKey.Span) || !X25519PublicKey.IsValid(entry.MaskPublicKey.Span))
            {
                throw Fail(SecAggViolation.InvalidPublicKey, $"Client {entry.Sender}'s round public keys are not canonical X25519 keys of large order (RFC 7748 §5, §6.1).");
            }

            if (_parameters.Mode == SecAggMode.Active && !VerifyIdentitySignature(entry.Sender, ProtocolEncoding.AdvertisePayload(_parameters.Round, entry.Sender, entry.CipherPublicKey.Span, entry.MaskPublicKey.Span, entry.SelfMaskCommitment.Span), entry.Signature.Span))
            {
                throw Fail(SecAggViolation.InvalidSignature, $"Client {entry.Sender}'s advertised keys are not signed by its identity key.");
            }

            // Byte equality is key equality here: every key passed the canonical-encoding check above.
            if (!seenKeys.Add(Convert.ToHexString(entry.CipherPublicKey.Span)) || !seenKeys.Add(Convert.ToHexString(entry.MaskPublicKey.Span)))
            {
                throw Fail(SecAggViolation.DuplicatePublicKey, $"Client {entry.Sender} advertised a public key that another party also advertised.");
            }

            _liveNeighbours.Add(entry.Sender, entry);
        }

        RequireThreshold(_liveNeighbours.Count, "advertised keys");

        int[] holders = [.. _liveNeighbours.Keys.Order()];
        byte[] selfMaskSeed = _selfMaskSeed!;
        byte[] maskPrivateKey = new byte[KeyAgreementKey.KeySize];
        ShamirShare[] selfMaskShares = [];
        ShamirShare[] maskKeyShares = [];
        byte[] plaintext = new byte[ProtocolEncoding.SharePlaintextSize];
        try
        {
            _maskKey.ExportPrivateKey(maskPrivateKey);
            selfMaskShares = Shamir.Split(selfMaskSeed, _parameters.Threshold, holders, _random);
            maskKeyShares = Shamir.Split(maskPrivateKey, _parameters.Threshold, holders, _random);
            var shares = new EncryptedShare[holders.Length];
            for (int i = 0; i < holders.Length; i++)
            {
                int recipient = holders[i];
                byte[] shareKey = new byte[Aead.KeySize];
                DeriveShareKey(recipient, shareKey);
                _shareKeys[recipient] = shareKey;
                BinaryPrimitives.WriteUInt32LittleEndian(plaintext, (uint)Index);
                BinaryPrimitives.WriteUInt32LittleEndian(plaintext.AsSpan(sizeof(uint)), (uint)recipient);
                byte[] commitments = new byte[CommitmentEncoding.ShareCommitmentsSize];
                SealShare(selfMaskShares[i], SecretKind.SelfMaskSeed, recipient, plaintext.AsSpan(ProtocolEncoding.SelfMaskShareOffset), commitments);
                SealShare(maskKeyShares[i], SecretKind.MaskKey, recipient, plaintext.AsSpan(ProtocolEncoding.MaskKeyShareOffset), commitments.AsSpan(CommitmentEncoding.CommitmentSize));
                byte[] ciphertext = Aead.Encrypt(shareKey, plaintext, ProtocolEncoding.ShareAssociatedData(_parameters.Round, Index, recipient), _random);
                byte[] signature = _parameters.Mode == SecAggMode.Active
                    ? _identityKey!.Sign(CommitmentEncoding.ShareSignaturePayload(_parameters.Round, Index, recipient, commitments, ciphertext))
                    : [];
                shares[i] = new EncryptedShare(Index, recipient, ciphertext, commitments, signature);
            }

            Stage = ClientStage.SharesSent;
            return new ShareKeys(Index, shares);
        }
        catch
        {
            Abort();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(maskPrivateKey);
            CryptographicOperations.ZeroMemory(plaintext);
            DisposeAll(selfMaskShares);
            DisposeAll(maskKeyShares);
        }
    }

    /// <summary>
    /// Stage 2: opens the neighbours' shares (checking that each was sealed by its sender for this client in
    /// this round and matches the sender's commitments) and returns y_u = x_u + PRG(b_u) + Σ_{v&gt;u} PRG(s_uv)
    /// − Σ_{v&lt;u} PRG(s_uv) mod 2^32 over the neighbours whose shares arrived, with a proven complaint against
    /// each neighbour whose share failed (specs/protocol.md §2.8).
    /// </summary>
    /// <remarks>
    /// A failed share does not end the round: the pairwise mask needs only the sender's public key, and the
    /// complaint lets the server remove the culprit. Only what the server itself could have altered (the
    /// routing, or in active mode a dealer's signature the server checked) still aborts.
    /// </remarks>
    /// <param name="delivery">The shares addressed to this client.</param>
    /// <param name="input">x_u: the quantized input, of length d.</param>
    /// <returns>The masked input.</returns>
    /// <exception cref="ArgumentException">The input's length is not d (the client stays where it is).</exception>
    /// <exception cref="SecAggProtocolException">A rule is broken; the client has aborted.</exception>
    public MaskedInput MaskInput(ShareDelivery delivery, ReadOnlySpan<uint> input)
    {
        Expect(ClientStage.SharesSent, nameof(MaskInput));
        ArgumentNullException.ThrowIfNull(delivery);
        if (input.Length != _parameters.VectorLength)
        {
            throw new ArgumentException($"The input must have the round's vector length {_parameters.VectorLength}; got {input.Length}.", nameof(input));
        }

        byte[] plaintext = new byte[ProtocolEncoding.SharePlaintextSize];
        byte[] shareKey = new byte[Aead.KeySize];
        var failed = new List<int>();
        try
        {
            foreach (EncryptedShare? share in delivery.Shares ?? [])
            {
                if (!OpenShare(share, plaintext, shareKey))
                {
                    failed.Add(share!.Sender);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(shareKey);
        }

        RequireThreshold(_sharingNeighbours.Count, "delivered shares");
        List<ShareComplaint> complaints = [.. failed.Select(Complain)];

        uint[] masked = input.ToArray();
        byte[] pairSeed = new byte[MaskGenerator.SeedSize];
        try
        {
            MaskGenerator.AddMask(_selfMaskSeed, masked);
            foreach (int neighbour in _sharingNeighbours)
            {
                DerivePairSeed(neighbour, pairSeed);
                if (Index < neighbour)
                {
                    MaskGenerator.AddMask(pairSeed, masked);
                }
                else
                {
                    MaskGenerator.SubtractMask(pairSeed, masked);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pairSeed);
        }

        // The client's own secrets now live only as its neighbours' shares; s_u^SK stays until unmasking, where
        // it proves the pair points the server asks for at Expel (the client holds x_u itself, so keeping it longer exposes nothing new).
        EraseSecretsExceptMaskKey();
        Stage = ClientStage.InputMasked;
        return new MaskedInput(Index, masked, complaints);
    }

    /// <summary>Stage 3 (active mode): checks the survivor list and signs it with the identity key.</summary>
    /// <param name="survivors">U3, the clients whose masked inputs the server holds.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="SecAggProtocolException">A rule is broken; the client has aborted.</exception>
    public ConsistencySignature ConsistencyCheck(SurvivorList survivors)
    {
        ThrowIfEnded(nameof(ConsistencyCheck));
        if (_parameters.Mode != SecAggMode.Active)
        {
            throw Fail(SecAggViolation.StageOutOfOrder, "A semi-honest round has no consistency check.");
        }

        Expect(ClientStage.InputMasked, nameof(ConsistencyCheck));
        ArgumentNullException.ThrowIfNull(survivors);
        int[] list = ValidateSurvivors(survivors.Survivors);
        byte[] signature = _identityKey!.Sign(ProtocolEncoding.ConsistencyPayload(_parameters.Round, list));
        _signedSurvivors = list;
        Stage = ClientStage.SurvivorsSigned;
        return new ConsistencySignature(Index, signature);
    }

    /// <summary>Stage 4 (semi-honest mode): reveals, per neighbour held, the share of b_v if v survived, else of s_v.</summary>
    /// <param name="survivors">U3.</param>
    /// <returns>The revealed shares.</returns>
    /// <exception cref="SecAggProtocolException">A rule is broken (including a second unmask request); the client has aborted.</exception>
    public UnmaskShares Unmask(SurvivorList survivors)
    {
        ThrowIfEnded(nameof(Unmask));
        if (_parameters.Mode != SecAggMode.SemiHonest)
        {
            throw Fail(SecAggViolation.StageOutOfOrder, "An active round unmasks only against a consistency proof.");
        }

        Expect(ClientStage.InputMasked, nameof(Unmask));
        ArgumentNullException.ThrowIfNull(survivors);
        return Reveal(ValidateSurvivors(survivors.Survivors));
    }

    /// <summary>
    /// Stage 4 (active mode): checks that at least t survivors signed the very list this client signed, then
    /// reveals as <see cref="Unmask(SurvivorList)"/> does.
    /// </summary>
    /// <param name="proof">The survivor list with the signatures.</param>
    /// <returns>The revealed shares.</returns>
    /// <exception cref="SecAggProtocolException">A rule is broken; the client has aborted.</exception>
    public UnmaskShares Unmask(ConsistencyProof proof)
    {
        ThrowIfEnded(nameof(Unmask));
        if (_parameters.Mode != SecAggMode.Active)
        {
            throw Fail(SecAggViolation.StageOutOfOrder, "A semi-honest round has no consistency proof.");
        }

        Expect(ClientStage.SurvivorsSigned, nameof(Unmask));
        ArgumentNullException.ThrowIfNull(proof);
        if (proof.Survivors is null || !proof.Survivors.SequenceEqual(_signedSurvivors!))
        {
            throw Fail(SecAggViolation.InconsistentSurvivorList, "The survivor list of the consistency proof differs from the one this client signed.");
        }

        byte[] payload = ProtocolEncoding.ConsistencyPayload(_parameters.Round, _signedSurvivors!);
        var signers = new HashSet<int>();
        foreach (ConsistencySignature? signature in proof.Signatures ?? [])
        {
            if (signature is null || Array.BinarySearch(_signedSurvivors!, signature.Sender) < 0)
            {
                throw Fail(SecAggViolation.InvalidSignature, $"The consistency proof has a signature from client {signature?.Sender}, which is not a survivor.");
            }

            if (!signers.Add(signature.Sender))
            {
                throw Fail(SecAggViolation.DuplicateMessage, $"The consistency proof has two signatures from client {signature.Sender}.");
            }

            if (!VerifyIdentitySignature(signature.Sender, payload, signature.Signature.Span))
            {
                throw Fail(SecAggViolation.InvalidSignature, $"Client {signature.Sender}'s signature on the survivor list does not verify.");
            }
        }

        if (signers.Count < _parameters.Threshold)
        {
            throw Fail(SecAggViolation.TooFewSurvivors, $"The consistency proof has {signers.Count} signatures; the threshold is {_parameters.Threshold}.");
        }

        return Reveal(_signedSurvivors!);
    }

    /// <summary>
    /// Stage 5, only when the server needs pair points: reveals the proven pair point with each dropped neighbour the
    /// request names (one not in the survivor list this client unmasked with) and, once it has checked the evidence, with
    /// each expelled culprit that is its neighbour, so that the server can remove the masks the two share
    /// (specs/protocol.md §2.9).
    /// </summary>
    /// <remarks>
    /// The evidence must prove the culprit's misbehaviour: at least t shares of its b_u, each opening its own commitment
    /// (in active mode, under its own signature), that either do not lie on one polynomial of degree &lt; t or
    /// interpolate to a seed its advertised commitment C_u does not bind. An honest dealer's shares can do neither, so
    /// an honest neighbour is never framed: its masked input never loses a mask with this client.
    /// </remarks>
    /// <param name="request">The culprits with the evidence, as the server holds it, and the dropped clients.</param>
    /// <returns>One proven pair point per named neighbour.</returns>
    /// <exception cref="SecAggProtocolException">The evidence proves nothing against a culprit neighbour (<see cref="SecAggViolation.UnprovenMisbehaviour"/>), or the request is malformed or out of order; the client has aborted.</exception>
    public ExpulsionPairPoints Expel(ExpulsionRequest request)
    {
        if (Stage is ClientStage.Completed or ClientStage.Aborted)
        {
            throw new SecAggProtocolException(SecAggViolation.RoundEnded, $"Client {Index}'s round has ended ({Stage}); {nameof(Expel)} is refused.");
        }

        if (Stage != ClientStage.Unmasked)
        {
            throw Fail(SecAggViolation.StageOutOfOrder, $"{nameof(Expel)} arrived while client {Index} is at stage {Stage}.");
        }

        ArgumentNullException.ThrowIfNull(request);
        var points = new List<RevealedPairPoint>();
        var named = new HashSet<int>();
        foreach (CulpritEvidence? evidence in request.Culprits ?? [])
        {
            if (evidence is null || !named.Add(evidence.Culprit))
            {
                throw Fail(SecAggViolation.MalformedMessage, $"The expulsion request has an empty entry or names client {evidence?.Culprit} twice.");
            }

            if (!_sharingNeighbours.Contains(evidence.Culprit))
            {
                // No mask with this client: nothing to reveal, so nothing to check.
                continue;
            }

            if (Array.BinarySearch(_unmaskedSurvivors!, evidence.Culprit) < 0)
            {
                throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The expulsion request names client {evidence.Culprit}, which is not in the survivor list client {Index} unmasked with: only a survivor is expelled.");
            }

            RequireProofOfInconsistentDealing(evidence);
            points.Add(ProvePairPoint(evidence.Culprit));
        }

        var dropped = new HashSet<int>();
        foreach (int peer in request.Dropped ?? [])
        {
            if (named.Contains(peer) || !dropped.Add(peer))
            {
                throw Fail(SecAggViolation.MalformedMessage, $"The expulsion request names client {peer} twice.");
            }

            if (!_sharingNeighbours.Contains(peer))
            {
                continue;
            }

            // Never for a survivor: its b_u is revealed, and with every s_uv its input would be too.
            if (Array.BinarySearch(_unmaskedSurvivors!, peer) >= 0)
            {
                throw Fail(SecAggViolation.InconsistentSurvivorList, $"The expulsion request names client {peer} as dropped, but it is in the survivor list client {Index} unmasked with.");
            }

            points.Add(ProvePairPoint(peer));
        }

        EraseOwnSecrets();
        Stage = ClientStage.Completed;
        return new ExpulsionPairPoints(Index, points);
    }

    /// <summary>Ends the round for this client (for example when the server reports an abort) and erases its secrets.</summary>
    public void Abort()
    {
        EraseOwnSecrets();
        EraseHeldShares();
        if (Stage == ClientStage.Unmasked)
        {
            // Its part of the round was done; only s_u^SK, kept for an expulsion request, is erased here.
            Stage = ClientStage.Completed;
        }
        else if (Stage != ClientStage.Completed)
        {
            Stage = ClientStage.Aborted;
        }
    }

    /// <summary>Erases every secret the session still holds.</summary>
    public void Dispose()
    {
        Abort();
        _ownedRandom?.Dispose();
    }

    private UnmaskShares Reveal(int[] survivors)
    {
        var revealed = new List<RevealedShare>(_heldShares.Count);
        foreach (int owner in _sharingNeighbours)
        {
            bool survived = Array.BinarySearch(survivors, owner) >= 0;
            if (_heldShares.TryGetValue(owner, out var held))
            {
                // Never both: the kind follows the one survivor list this client accepted.
                revealed.Add(survived
                    ? new RevealedShare(owner, SecretKind.SelfMaskSeed, held.SelfMaskSeed.Encode(), held.SelfMaskSalt.ToArray())
                    : new RevealedShare(owner, SecretKind.MaskKey, held.MaskKey.Encode(), held.MaskKeySalt.ToArray()));
            }
        }

        // s_u^SK stays for the pair points the server may ask for (Expel); every other secret is gone.
        EraseHeldShares();
        EraseSecretsExceptMaskKey();
        _unmaskedSurvivors = survivors;
        Stage = ClientStage.Unmasked;
        return new UnmaskShares(Index, revealed, []);
    }

    /// <summary>Throws unless the evidence proves that the culprit dealt its b_u inconsistently (specs/protocol.md §2.9).</summary>
    private void RequireProofOfInconsistentDealing(CulpritEvidence evidence)
    {
        int culprit = evidence.Culprit;
        var holders = new HashSet<int>();
        var shares = new List<ShamirShare>();
        byte[] candidate = new byte[Shamir.SecretSize];
        try
        {
            foreach (DealtShareEvidence? dealt in evidence.Shares ?? [])
            {
                if (dealt is null || !_graph.AreNeighbours(culprit, dealt.Holder) || !holders.Add(dealt.Holder))
                {
                    throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The evidence against client {culprit} names holder {dealt?.Holder}, which is not its neighbour or appears twice.");
                }

                if (dealt.Share.Length != ShamirShare.EncodedSize || dealt.Salt.Length != CommitmentEncoding.SaltSize || dealt.Commitments.Length != CommitmentEncoding.ShareCommitmentsSize)
                {
                    throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The evidence against client {culprit} has a share, salt or commitment of the wrong length (holder {dealt.Holder}).");
                }

                // The dealer's own signature makes the commitment its word; a share that opens it is a share it dealt.
                if (_parameters.Mode == SecAggMode.Active
                    && !VerifyIdentitySignature(culprit, CommitmentEncoding.ShareSignaturePayload(_parameters.Round, culprit, dealt.Holder, dealt.Commitments.Span, dealt.Ciphertext.Span), dealt.Signature.Span))
                {
                    throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The evidence against client {culprit} has a share for holder {dealt.Holder} whose commitments client {culprit} did not sign.");
                }

                if (!CommitmentEncoding.OpensShareCommitment(_parameters.Round, culprit, dealt.Holder, SecretKind.SelfMaskSeed, dealt.Share.Span, dealt.Salt.Span, dealt.Commitments.Span[..CommitmentEncoding.CommitmentSize]))
                {
                    throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The evidence against client {culprit} has a share for holder {dealt.Holder} that does not open client {culprit}'s commitment.");
                }

                ShamirShare share;
                try
                {
                    share = ShamirShare.Decode(dealt.Share.Span);
                }
                catch (ArgumentException ex)
                {
                    throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The evidence against client {culprit} has a share for holder {dealt.Holder} that does not decode.", ex);
                }

                shares.Add(share);
                if (share.Index != dealt.Holder)
                {
                    throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The evidence against client {culprit} has a share for holder {dealt.Holder} evaluated at another point ({share.Index}).");
                }
            }

            if (shares.Count < _parameters.Threshold)
            {
                throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The evidence against client {culprit} has {shares.Count} shares; proving inconsistent dealing needs at least t = {_parameters.Threshold}.");
            }

            try
            {
                Shamir.Reconstruct(shares, _parameters.Threshold, candidate);
            }
            catch (SecretSharingException)
            {
                // Proven: the shares lie on no one polynomial of degree < t, or its constant is no 32-byte seed.
                return;
            }

            Span<byte> commitment = stackalloc byte[CommitmentEncoding.CommitmentSize];
            CommitmentEncoding.SelfMaskCommitment(_parameters.Round, culprit, candidate, commitment);
            if (CryptographicOperations.FixedTimeEquals(commitment, _liveNeighbours[culprit].SelfMaskCommitment.Span))
            {
                throw Fail(SecAggViolation.UnprovenMisbehaviour, $"The {shares.Count} shares of client {culprit}'s self-mask seed lie on one polynomial whose constant its commitment C_u binds: they prove no misbehaviour.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
            DisposeAll([.. shares]);
        }
    }

    private void EraseHeldShares()
    {
        foreach ((ShamirShare selfMaskSeed, byte[] selfMaskSalt, ShamirShare maskKey, byte[] maskKeySalt) in _heldShares.Values)
        {
            selfMaskSeed.Dispose();
            maskKey.Dispose();
            CryptographicOperations.ZeroMemory(selfMaskSalt);
            CryptographicOperations.ZeroMemory(maskKeySalt);
        }

        _heldShares.Clear();
    }

    private void SealShare(ShamirShare share, SecretKind kind, int recipient, Span<byte> destination, Span<byte> commitment)
    {
        share.Encode(destination);
        Span<byte> salt = destination.Slice(ShamirShare.EncodedSize, CommitmentEncoding.SaltSize);
        _random.Fill(salt);
        CommitmentEncoding.ShareCommitment(_parameters.Round, Index, recipient, kind, destination[..ShamirShare.EncodedSize], salt, commitment);
    }

    /// <summary>Proves a complaint about the dealer's share (internal so that tests can also make a false one).</summary>
    internal ShareComplaint Complain(int dealer)
    {
        (byte[] point, byte[] proof) = ProveSharedPoint(SharePointProof.ComplaintDomain, _cipherKey!, _liveNeighbours[dealer].CipherPublicKey.Span, dealer, "cipher");
        return new ShareComplaint(dealer, point, proof);
    }

    private RevealedPairPoint ProvePairPoint(int peer)
    {
        (byte[] point, byte[] proof) = ProveSharedPoint(SharePointProof.PairPointDomain, _maskKey!, _liveNeighbours[peer].MaskPublicKey.Span, peer, "mask");
        return new RevealedPairPoint(peer, point, proof);
    }

    /// <summary>The X25519 point of (own key, peer's key) with its proof (specs/protocol.md §2.8).</summary>
    private (byte[] Point, byte[] Proof) ProveSharedPoint(string domain, KeyAgreementKey ownKey, ReadOnlySpan<byte> peerPublicKey, int peer, string keyName)
    {
        byte[] privateKey = new byte[KeyAgreementKey.KeySize];
        byte[] point = new byte[Curve25519Points.EncodedSize];
        byte[] proof = new byte[SharePointProof.ProofSize];
        try
        {
            ownKey.ExportPrivateKey(privateKey);
            if (!SharePointProof.TryProve(domain, privateKey, ownKey.PublicKey, peerPublicKey, _parameters.Round, peer, Index, point, proof, _random))
            {
                throw Fail(SecAggViolation.InvalidPublicKey, $"Client {peer}'s {keyName} public key admits no proof on Curve25519.");
            }

            return (point, proof);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private int[] ValidateSurvivors(IReadOnlyList<int>? survivors)
    {
        if (survivors is null)
        {
            throw Fail(SecAggViolation.MalformedMessage, "The survivor list is missing.");
        }

        int[] list = [.. survivors];
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] < 1 || list[i] > _parameters.ParticipantCount || (i > 0 && list[i] <= list[i - 1]))
            {
                throw Fail(SecAggViolation.MalformedMessage, "The survivor list must hold participant indices in ascending order without repeats.");
            }
        }

        if (Array.BinarySearch(list, Index) < 0)
        {
            throw Fail(SecAggViolation.SelfNotInSurvivors, $"The survivor list omits client {Index}, which sent its masked input.");
        }

        int liveNeighbours = 0;
        foreach (int survivor in list)
        {
            if (!_graph.AreNeighbours(Index, survivor))
            {
                continue;
            }

            if (!_sharingNeighbours.Contains(survivor))
            {
                throw Fail(SecAggViolation.SurvivorsNotSubset, $"The survivor list names client {survivor}, whose shares never reached client {Index}: survivors must be a subset of the previous stage's.");
            }

            liveNeighbours++;
        }

        RequireThreshold(liveNeighbours, "surviving neighbours");
        return list;
    }

    /// <summary>Opens one delivered share; <see langword="false"/> when the dealer is to blame (the share fails to open, decode or match its commitments).</summary>
    private bool OpenShare(EncryptedShare? share, byte[] plaintext, byte[] shareKey)
    {
        if (share is null)
        {
            throw Fail(SecAggViolation.MalformedMessage, "The share delivery has an empty entry.");
        }

        if (share.Recipient != Index)
        {
            throw Fail(SecAggViolation.WrongRecipient, $"The share delivery holds a share for client {share.Recipient}, not for client {Index}.");
        }

        if (!_liveNeighbours.ContainsKey(share.Sender))
        {
            throw Fail(SecAggViolation.NotANeighbour, $"The share delivery holds a share from client {share.Sender}, which is not a live neighbour of client {Index}.");
        }

        if (_sharingNeighbours.Contains(share.Sender))
        {
            throw Fail(SecAggViolation.DuplicateMessage, $"The share delivery holds two shares from client {share.Sender}.");
        }

        // The server checks lengths and, in active mode, the dealer's signature before routing; a share that
        // breaks those was altered by the server, which must not be able to make this client complain.
        if (share.Ciphertext.Length != ProtocolEncoding.ShareCiphertextSize || share.Commitments.Length != CommitmentEncoding.ShareCommitmentsSize)
        {
            throw Fail(SecAggViolation.MalformedMessage, $"The share from client {share.Sender} has the wrong length.");
        }

        if (_parameters.Mode == SecAggMode.Active
            && !VerifyIdentitySignature(share.Sender, CommitmentEncoding.ShareSignaturePayload(_parameters.Round, share.Sender, Index, share.Commitments.Span, share.Ciphertext.Span), share.Signature.Span))
        {
            throw Fail(SecAggViolation.ShareAuthenticationFailed, $"The share from client {share.Sender} to client {Index} in round {_parameters.Round} is not signed by its dealer: forged, re-addressed or replayed.");
        }

        _sharingNeighbours.Add(share.Sender);
        if (_shareKeys.TryGetValue(share.Sender, out byte[]? cached))
        {
            cached.CopyTo(shareKey, 0);
        }
        else
        {
            DeriveShareKey(share.Sender, shareKey);
        }

        try
        {
            Aead.Decrypt(shareKey, share.Ciphertext.Span, ProtocolEncoding.ShareAssociatedData(_parameters.Round, share.Sender, Index), plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(plaintext) != (uint)share.Sender
            || BinaryPrimitives.ReadUInt32LittleEndian(plaintext.AsSpan(sizeof(uint))) != (uint)Index)
        {
            return false;
        }

        ReadOnlySpan<byte> selfMaskPart = plaintext.AsSpan(ProtocolEncoding.SelfMaskShareOffset, ShamirShare.EncodedSize + CommitmentEncoding.SaltSize);
        ReadOnlySpan<byte> maskKeyPart = plaintext.AsSpan(ProtocolEncoding.MaskKeyShareOffset, ShamirShare.EncodedSize + CommitmentEncoding.SaltSize);
        ReadOnlySpan<byte> commitments = share.Commitments.Span;
        if (!CommitmentEncoding.OpensShareCommitment(_parameters.Round, share.Sender, Index, SecretKind.SelfMaskSeed, selfMaskPart[..ShamirShare.EncodedSize], selfMaskPart[ShamirShare.EncodedSize..], commitments[..CommitmentEncoding.CommitmentSize])
            || !CommitmentEncoding.OpensShareCommitment(_parameters.Round, share.Sender, Index, SecretKind.MaskKey, maskKeyPart[..ShamirShare.EncodedSize], maskKeyPart[ShamirShare.EncodedSize..], commitments[CommitmentEncoding.CommitmentSize..]))
        {
            return false;
        }

        ShamirShare selfMaskSeed;
        ShamirShare maskKey;
        try
        {
            selfMaskSeed = ShamirShare.Decode(selfMaskPart[..ShamirShare.EncodedSize]);
        }
        catch (ArgumentException)
        {
            return false;
        }

        try
        {
            maskKey = ShamirShare.Decode(maskKeyPart[..ShamirShare.EncodedSize]);
        }
        catch (ArgumentException)
        {
            selfMaskSeed.Dispose();
            return false;
        }

        if (selfMaskSeed.Index != Index || maskKey.Index != Index)
        {
            selfMaskSeed.Dispose();
            maskKey.Dispose();
            return false;
        }

        _heldShares.Add(share.Sender, (selfMaskSeed, selfMaskPart[ShamirShare.EncodedSize..].ToArray(), maskKey, maskKeyPart[ShamirShare.EncodedSize..].ToArray()));
        return true;
    }

    private void DeriveShareKey(int peer, Span<byte> shareKey)
    {
        try
        {
            PairwiseKeys.DeriveShareKey(_cipherKey!, Index, _cipherKey!.PublicKey, peer, _liveNeighbours[peer].CipherPublicKey.Span, _parameters.Round, shareKey);
        }
        catch (KeyAgreementException ex)
        {
            throw Fail(SecAggViolation.InvalidPublicKey, $"Client {peer}'s cipher public key is refused: {ex.Message}", ex);
        }
    }

    private void DerivePairSeed(int peer, Span<byte> seed)
    {
        try
        {
            PairwiseKeys.DeriveMaskSeed(_maskKey!, Index, _maskKey!.PublicKey, peer, _liveNeighbours[peer].MaskPublicKey.Span, _parameters.Round, seed);
        }
        catch (KeyAgreementException ex)
        {
            throw Fail(SecAggViolation.InvalidPublicKey, $"Client {peer}'s mask public key is refused: {ex.Message}", ex);
        }
    }

    private bool VerifyIdentitySignature(int signer, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature) =>
        _identityPublicKeys!.TryGetValue(signer, out ReadOnlyMemory<byte> publicKey) && Signatures.Verify(publicKey.Span, payload, signature);

    private void RequireThreshold(int count, string what)
    {
        if (count < _parameters.Threshold)
        {
            throw Fail(SecAggViolation.TooFewSurvivors, $"Client {Index} has {count} {what} from neighbours; the threshold is {_parameters.Threshold}.");
        }
    }

    private void ThrowIfEnded(string step)
    {
        // After Unmask only an expulsion request (Expel) is answered: never a second unmask request.
        if (Stage is ClientStage.Unmasked or ClientStage.Completed or ClientStage.Aborted)
        {
            throw new SecAggProtocolException(SecAggViolation.RoundEnded, $"Client {Index}'s round has ended ({Stage}); {step} is refused.");
        }
    }

    private void Expect(ClientStage stage, string step)
    {
        ThrowIfEnded(step);
        if (Stage != stage)
        {
            throw Fail(SecAggViolation.StageOutOfOrder, $"{step} arrived while client {Index} is at stage {Stage}.");
        }
    }

    private SecAggProtocolException Fail(SecAggViolation violation, string message, Exception? inner = null)
    {
        Abort();
        Stage = ClientStage.Aborted;
        return new SecAggProtocolException(violation, message, inner);
    }

    private void EraseOwnSecrets()
    {
        EraseSecretsExceptMaskKey();
        _maskKey?.Dispose();
    }

    private void EraseSecretsExceptMaskKey()
    {
        foreach (byte[] shareKey in _shareKeys.Values)
        {
            CryptographicOperations.ZeroMemory(shareKey);
        }

        _shareKeys.Clear();
        _cipherKey?.Dispose();
        if (_selfMaskSeed is not null)
        {
            CryptographicOperations.ZeroMemory(_selfMaskSeed);
            _selfMaskSeed = null;
        }
    }

    private static void DisposeAll(ShamirShare[] shares)
    {
        foreach (ShamirShare share in shares)
        {
            share.Dispose();
        }
    }
}
