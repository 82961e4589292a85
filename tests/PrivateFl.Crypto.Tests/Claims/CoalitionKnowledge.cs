using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// The closure of a <see cref="CoalitionRound"/>'s view: everything the server and the corrupted banks can compute
/// from it with the protocol's own derivations, computed on the actual bytes.
/// <list type="number">
/// <item>Share keys: every pair with a corrupted end (from c_w^SK), and every pair whose point a complaint disclosed.</item>
/// <item>Shares: every routed ciphertext under a known share key that opens and matches its commitments (both the share
/// of b_v and of s_v^SK inside), every share a corrupted bank dealt, and every revealed share.</item>
/// <item>Secrets: the corrupted banks' own, and every b_v or s_v^SK of which at least t shares are known, reconstructed
/// and checked against v's advertised commitment or public key.</item>
/// <item>Pairwise seeds s_ab: every pair of neighbours with a known mask private key at one end, and every pair whose
/// point was revealed (unmask or expulsion).</item>
/// </list>
/// The order is a fixpoint: cipher keys are never shared, so no secret learned later yields another share key, and a
/// seed yields neither a share nor a secret. Everything is added to the view under a "derived" name.
/// </summary>
internal static class CoalitionKnowledge
{
    public sealed record Closure(
        IReadOnlySet<(int Owner, SecretKind Kind)> Secrets,
        IReadOnlySet<(int Low, int High)> Seeds,
        IReadOnlyDictionary<(int Owner, SecretKind Kind), int> ShareCounts);

    public static Closure Derive(CoalitionRound round)
    {
        RoundIdentity id = round.Parameters.Round;
        int t = round.Parameters.Threshold;
        var view = round.View;

        // 1. Share keys.
        var shareKeys = new Dictionary<(int, int), byte[]>();
        foreach ((int w, (byte[] cipherKey, _, _)) in round.CorruptedSecrets)
        {
            using KeyAgreementKey own = KeyAgreementKey.Import(cipherKey);
            foreach ((int v, AdvertisedKeys keys) in round.Advertised.Where(a => a.Key != w))
            {
                byte[] key = new byte[Aead.KeySize];
                PairwiseKeys.DeriveShareKey(own, w, round.Advertised[w].CipherPublicKey.Span, v, keys.CipherPublicKey.Span, id, key);
                shareKeys[Pair(w, v)] = key;
            }
        }

        foreach ((int complainant, ShareComplaint complaint) in round.Complaints)
        {
            byte[] key = new byte[Aead.KeySize];
            Kdf.DeriveKey(complaint.SharedPoint.Span[..KeyAgreementKey.KeySize], KdfLabels.ShareKey, PairwiseKeys.PairContext(id, complaint.Dealer, round.Advertised[complaint.Dealer].CipherPublicKey.Span, complainant, round.Advertised[complainant].CipherPublicKey.Span), key);
            shareKeys.TryAdd(Pair(complaint.Dealer, complainant), key);
        }

        foreach (((int a, int b), byte[] key) in shareKeys)
        {
            view[$"derived share key {a}-{b}"] = key;
        }

        // 2. Shares, by secret and holder.
        var shares = new Dictionary<(int Owner, SecretKind Kind), SortedDictionary<int, byte[]>>();
        void AddShare(int owner, SecretKind kind, int holder, byte[] encoded)
        {
            if (!shares.TryGetValue((owner, kind), out SortedDictionary<int, byte[]>? held))
            {
                shares[(owner, kind)] = held = [];
            }

            held.TryAdd(holder, encoded);
        }

        byte[] plaintext = new byte[ProtocolEncoding.SharePlaintextSize];
        foreach (EncryptedShare share in round.Ciphertexts)
        {
            if (!shareKeys.TryGetValue(Pair(share.Sender, share.Recipient), out byte[]? key))
            {
                continue;
            }

            try
            {
                Aead.Decrypt(key, share.Ciphertext.Span, ProtocolEncoding.ShareAssociatedData(id, share.Sender, share.Recipient), plaintext);
            }
            catch (AuthenticationTagMismatchException)
            {
                continue;
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(plaintext) != (uint)share.Sender)
            {
                continue;
            }

            foreach ((SecretKind kind, int offset, int commitmentAt) in new[] { (SecretKind.SelfMaskSeed, ProtocolEncoding.SelfMaskShareOffset, 0), (SecretKind.MaskKey, ProtocolEncoding.MaskKeyShareOffset, CommitmentEncoding.CommitmentSize) })
            {
                ReadOnlySpan<byte> part = plaintext.AsSpan(offset, ShamirShare.EncodedSize + CommitmentEncoding.SaltSize);
                if (CommitmentEncoding.OpensShareCommitment(id, share.Sender, share.Recipient, kind, part[..ShamirShare.EncodedSize], part[ShamirShare.EncodedSize..], share.Commitments.Span.Slice(commitmentAt, CommitmentEncoding.CommitmentSize)))
                {
                    AddShare(share.Sender, kind, share.Recipient, part[..ShamirShare.EncodedSize].ToArray());
                }
            }
        }

        foreach (UnmaskShares message in round.Revealed)
        {
            foreach (RevealedShare share in message.Shares)
            {
                AddShare(share.Owner, share.Kind, message.Sender, share.Share.ToArray());
            }
        }

        foreach (((int owner, SecretKind kind), SortedDictionary<int, byte[]> held) in shares)
        {
            foreach ((int holder, byte[] encoded) in held)
            {
                view[$"derived share {owner} {kind} held by {holder}"] = encoded;
            }
        }

        // 3. Secrets: the corrupted banks' own and every one with t checked shares.
        var selfMasks = new Dictionary<int, byte[]>();
        var maskKeys = new Dictionary<int, byte[]>();
        foreach ((int w, (_, byte[] maskKey, byte[] selfMaskSeed)) in round.CorruptedSecrets)
        {
            selfMasks[w] = selfMaskSeed;
            maskKeys[w] = maskKey;
        }

        foreach (((int owner, SecretKind kind), SortedDictionary<int, byte[]> held) in shares)
        {
            if (held.Count < t || (kind == SecretKind.SelfMaskSeed ? selfMasks : maskKeys).ContainsKey(owner))
            {
                continue;
            }

            byte[] secret = new byte[Shamir.SecretSize];
            ShamirShare[] decoded = [.. held.Values.Take(t).Select(e => ShamirShare.Decode(e))];
            try
            {
                Shamir.Reconstruct(decoded, t, secret);
            }
            finally
            {
                foreach (ShamirShare share in decoded)
                {
                    share.Dispose();
                }
            }

            if (Verifies(round, owner, kind, secret))
            {
                (kind == SecretKind.SelfMaskSeed ? selfMasks : maskKeys)[owner] = secret;
                view[$"derived secret {owner} {kind}"] = secret;
            }
        }

        // 4. Pairwise seeds.
        var seeds = new Dictionary<(int, int), byte[]>();
        foreach ((int a, byte[] privateKey) in maskKeys)
        {
            using KeyAgreementKey own = KeyAgreementKey.Import(privateKey);
            foreach (int b in round.Advertised.Keys.Where(b => b != a && round.Graph.AreNeighbours(a, b)))
            {
                byte[] seed = new byte[MaskGenerator.SeedSize];
                PairwiseKeys.DeriveMaskSeed(own, a, round.Advertised[a].MaskPublicKey.Span, b, round.Advertised[b].MaskPublicKey.Span, id, seed);
                seeds.TryAdd(Pair(a, b), seed);
            }
        }

        foreach ((int sender, RevealedPairPoint point) in round.PairPoints)
        {
            byte[] seed = new byte[MaskGenerator.SeedSize];
            Kdf.DeriveKey(point.SharedPoint.Span[..KeyAgreementKey.KeySize], KdfLabels.MaskSeed, PairwiseKeys.PairContext(id, point.Peer, round.Advertised[point.Peer].MaskPublicKey.Span, sender, round.Advertised[sender].MaskPublicKey.Span), seed);
            seeds.TryAdd(Pair(sender, point.Peer), seed);
        }

        foreach (((int a, int b), byte[] seed) in seeds)
        {
            view[$"derived seed {a}-{b}"] = seed;
        }

        return new Closure(
            new HashSet<(int, SecretKind)>(selfMasks.Keys.Select(o => (o, SecretKind.SelfMaskSeed)).Concat(maskKeys.Keys.Select(o => (o, SecretKind.MaskKey)))),
            new HashSet<(int, int)>(seeds.Keys),
            shares.ToDictionary(e => e.Key, e => e.Value.Count));
    }

    public static (int Low, int High) Pair(int a, int b) => a < b ? (a, b) : (b, a);

    private static bool Verifies(CoalitionRound round, int owner, SecretKind kind, byte[] secret)
    {
        AdvertisedKeys advertised = round.Advertised[owner];
        if (kind == SecretKind.SelfMaskSeed)
        {
            byte[] commitment = new byte[CommitmentEncoding.CommitmentSize];
            CommitmentEncoding.SelfMaskCommitment(round.Parameters.Round, owner, secret, commitment);
            return commitment.AsSpan().SequenceEqual(advertised.SelfMaskCommitment.Span);
        }

        using KeyAgreementKey key = KeyAgreementKey.Import(secret);
        return key.PublicKey.SequenceEqual(advertised.MaskPublicKey.Span);
    }
}
