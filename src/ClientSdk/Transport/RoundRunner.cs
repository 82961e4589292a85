using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Protocol.V1;
using CryptoSecretKind = PrivateFl.Crypto.SecAgg.Messages.SecretKind;
using ProtoSecretKind = PrivateFl.Protocol.V1.SecretKind;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>Takes part in one announced round: drives a <see cref="ClientSession"/> through the stage calls.</summary>
internal sealed class RoundRunner(Federation.FederationClient client, SigningKey identityKey, IClientSessionFactory? sessions = null)
{
    public Task<RoundResultReply> RunAsync(RoundAnnouncement announcement, SecAggParameters parameters, IReadOnlyDictionary<int, ReadOnlyMemory<byte>> identityKeys, uint[] encodedUpdate, CancellationToken cancellationToken)
    {
        // Only what the stages need is kept while the round runs: the announcement and the identity keys are n-sized,
        // so a process that runs many clients (the load benchmark) would otherwise hold n² of them for the whole round
        // (docs/benchmarks.md, "Load"). The semi-honest session does not use the identity keys.
        bool active = parameters.Mode == Crypto.SecAgg.SecAggMode.Active;
        return RunCoreAsync((int)announcement.YourIndex, announcement.SessionId, announcement.RoundNumber, announcement.StageDeadlineMs, AnnouncedPlan.Settings(announcement).RequiredSurvivors(parameters.ParticipantCount, parameters.Threshold), parameters, active ? identityKeys : null, encodedUpdate, cancellationToken);
    }

    private async Task<RoundResultReply> RunCoreAsync(int yourIndex, string sessionId, long roundNumber, long stageDeadlineMs, int minimumSurvivors, SecAggParameters parameters, IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityKeys, uint[] encodedUpdate, CancellationToken cancellationToken)
    {
        bool active = parameters.Mode == Crypto.SecAgg.SecAggMode.Active;
        using ClientSession session = (sessions ?? ClientSessionFactory.Default).Create(parameters, yourIndex, active ? identityKey : null, identityKeys);
        var round = new RoundRef { ProtocolVersion = ProtocolVersion._1, SessionId = sessionId, RoundNumber = roundNumber };
        TimeSpan stageBudget = TimeSpan.FromMilliseconds(stageDeadlineMs * 3.0) + TimeSpan.FromSeconds(30);
        CallOptions Call() => new(deadline: DateTime.UtcNow + stageBudget, cancellationToken: cancellationToken);

        try
        {
            AdvertisedKeys keys = session.AdvertiseKeys();
            KeyDirectoryReply directory = await client.AdvertiseKeysAsync(
                new AdvertiseKeysRequest
                {
                    Round = round,
                    CipherPublicKey = ByteString.CopyFrom(keys.CipherPublicKey.Span),
                    MaskPublicKey = ByteString.CopyFrom(keys.MaskPublicKey.Span),
                    Signature = ByteString.CopyFrom(keys.Signature.Span),
                    SelfMaskCommitment = ByteString.CopyFrom(keys.SelfMaskCommitment.Span),
                },
                Call());

            var keyDirectory = new KeyDirectory([.. directory.Entries.Select(e => new AdvertisedKeys((int)e.Index, e.CipherPublicKey.Memory, e.MaskPublicKey.Memory, e.Signature.Memory, e.SelfMaskCommitment.Memory))]);
            ShareKeys shares = session.ShareKeys(keyDirectory);

            var shareRequest = new ShareKeysRequest { Round = round };
            shareRequest.Shares.Add(shares.Shares.Select(s => new EncryptedShareMessage
            {
                Sender = (uint)s.Sender,
                Recipient = (uint)s.Recipient,
                Ciphertext = ByteString.CopyFrom(s.Ciphertext.Span),
                Commitments = ByteString.CopyFrom(s.Commitments.Span),
                Signature = ByteString.CopyFrom(s.Signature.Span),
            }));
            ShareDeliveryReply delivery = await client.ShareKeysAsync(shareRequest, Call());

            MaskedInput masked = session.MaskInput(new ShareDelivery([.. delivery.Shares.Select(s => new EncryptedShare((int)s.Sender, (int)s.Recipient, s.Ciphertext.Memory, s.Commitments.Memory, s.Signature.Memory))]), encodedUpdate);
            uint[] words = masked.Vector.ToArray();
            if (!BitConverter.IsLittleEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(words, words);
            }

            var maskedRequest = new MaskedInputRequest { Round = round, VectorLength = (uint)words.Length, MaskedVector = ByteString.CopyFrom(MemoryMarshal.AsBytes(words.AsSpan())) };
            maskedRequest.Complaints.Add((masked.Complaints ?? []).Select(c => new ShareComplaintMessage { Dealer = (uint)c.Dealer, SharedPoint = ByteString.CopyFrom(c.SharedPoint.Span), Proof = ByteString.CopyFrom(c.Proof.Span) }));
            SurvivorListReply survivors = await client.SubmitMaskedInputAsync(maskedRequest, Call());
            var survivorList = new SurvivorList([.. survivors.Survivors.Select(s => (int)s)]);
            if (survivorList.Survivors.Count < minimumSurvivors)
            {
                // The noise was sized for m survivors: unmasking a sum of fewer would release it under-noised.
                throw new SecAggProtocolException(SecAggViolation.TooFewSurvivors, $"Round {roundNumber}: the server reports {survivorList.Survivors.Count} survivors; this client unmasks only with at least {minimumSurvivors}.");
            }

            UnmaskShares revealed;
            if (active)
            {
                ConsistencySignature signature = session.ConsistencyCheck(survivorList);
                ConsistencyProofReply proof = await client.SignSurvivorsAsync(new ConsistencySignatureRequest { Round = round, Signature = ByteString.CopyFrom(signature.Signature.Span) }, Call());
                revealed = session.Unmask(new ConsistencyProof([.. proof.Survivors.Select(s => (int)s)], [.. proof.Signatures.Select(s => new ConsistencySignature((int)s.Index, s.Signature.Memory))]));
            }
            else
            {
                revealed = session.Unmask(survivorList);
            }

            var unmask = new UnmaskRequest { Round = round };
            unmask.Shares.Add(revealed.Shares.Select(s => new RevealedShareMessage
            {
                Owner = (uint)s.Owner,
                Kind = s.Kind == CryptoSecretKind.SelfMaskSeed ? ProtoSecretKind.SelfMaskSeed : ProtoSecretKind.MaskKey,
                Share = ByteString.CopyFrom(s.Share.Span),
                Salt = ByteString.CopyFrom(s.Salt.Span),
            }));
            RoundResultReply result = await client.UnmaskAsync(unmask, Call());
            if (result.Expulsion is null)
            {
                return result;
            }

            // The server needs pair points (protocol.md §2.9). Survivors that dealt inconsistently left the sum: the noise
            // was sized for m, so the client helps release a sum only of at least m inputs.
            ExpulsionRequest request = FromProto(result.Expulsion);
            int remaining = survivorList.Survivors.Count(s => !request.Culprits.Any(c => c.Culprit == s));
            if (remaining < minimumSurvivors)
            {
                throw new SecAggProtocolException(SecAggViolation.TooFewSurvivors, $"Round {roundNumber}: after the expulsion {remaining} survivors remain in the sum; this client helps release it only with at least {minimumSurvivors}.");
            }

            ExpulsionPairPoints points = session.Expel(request);
            var expel = new ExpelRequest { Round = round };
            expel.PairPoints.Add(points.PairPoints.Select(p => new RevealedPairPointMessage { Peer = (uint)p.Peer, SharedPoint = ByteString.CopyFrom(p.SharedPoint.Span), Proof = ByteString.CopyFrom(p.Proof.Span) }));
            return await client.ExpelAsync(expel, Call());
        }
        catch
        {
            session.Abort();
            throw;
        }
    }

    private static ExpulsionRequest FromProto(ExpulsionRequestMessage message) =>
        new([.. message.Culprits.Select(c => new CulpritEvidence(
            checked((int)c.Culprit),
            [.. c.Shares.Select(s => new DealtShareEvidence(checked((int)s.Holder), s.Share.Memory, s.Salt.Memory, s.Commitments.Memory, s.Ciphertext.Memory, s.Signature.Memory))]))],
            [.. message.Dropped.Select(d => checked((int)d))]);
}
