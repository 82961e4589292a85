namespace PrivateFl.Crypto;

/// <summary>What one client's vector is, which fixes its L2 bound (specs/api.md, "Updates").</summary>
public enum UpdateRule
{
    /// <summary>A federated-averaging delta of the locally trained model, clipped to C.</summary>
    FederatedAveraging = 0,

    /// <summary>A sum of per-example gradients, each clipped to C, over a Poisson-sampled batch.</summary>
    GradientSum = 1,
}
