namespace PrivateFl.Crypto.Internal;

/// <summary>
/// The field-generic core of Shamir sharing: evaluate a random polynomial at the holders' points, and
/// interpolate it back (at zero, or at another holder's point to check that holder's share).
/// </summary>
/// <remarks>
/// Interpolation uses the barycentric form f(x) = l(x) · Σ w_i·y_i / (x − x_i) with l(x) = Π (x − x_j) and
/// w_i = 1 / Π_{j≠i} (x_i − x_j): the weights cost O(t²) once, each further evaluation O(t).
/// </remarks>
internal static class PolynomialSharing<TField>
    where TField : IPrimeField
{
    /// <summary>Evaluates c[0] + c[1]·x + … + c[t−1]·x^(t−1) by Horner's rule.</summary>
    public static ulong Evaluate(ReadOnlySpan<ulong> coefficients, ulong x)
    {
        ulong result = 0;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            result = TField.Add(TField.Multiply(result, x), coefficients[i]);
        }

        return result;
    }

    /// <summary>Computes the barycentric weights w_i = 1 / Π_{j≠i} (x_i − x_j) of distinct points.</summary>
    public static void BarycentricWeights(ReadOnlySpan<ulong> xs, Span<ulong> weights)
    {
        for (int i = 0; i < xs.Length; i++)
        {
            ulong product = 1;
            for (int j = 0; j < xs.Length; j++)
            {
                if (j != i)
                {
                    product = TField.Multiply(product, TField.Subtract(xs[i], xs[j]));
                }
            }

            weights[i] = product;
        }

        BatchInvert(weights);
    }

    /// <summary>
    /// Evaluates at <paramref name="x"/> the polynomial of degree &lt; xs.Length through (xs, ys);
    /// <paramref name="x"/> must not be one of the points.
    /// </summary>
    public static ulong Interpolate(ReadOnlySpan<ulong> xs, ReadOnlySpan<ulong> weights, ReadOnlySpan<ulong> ys, ulong x, Span<ulong> scratch)
    {
        ulong nodePolynomial = 1;
        for (int i = 0; i < xs.Length; i++)
        {
            scratch[i] = TField.Subtract(x, xs[i]);
            nodePolynomial = TField.Multiply(nodePolynomial, scratch[i]);
        }

        BatchInvert(scratch[..xs.Length]);
        ulong sum = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            sum = TField.Add(sum, TField.Multiply(TField.Multiply(weights[i], ys[i]), scratch[i]));
        }

        return TField.Multiply(nodePolynomial, sum);
    }

    /// <summary>Replaces every (non-zero) element by its inverse with one field inversion (Montgomery's trick).</summary>
    public static void BatchInvert(Span<ulong> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        Span<ulong> prefix = values.Length <= 512 ? stackalloc ulong[values.Length] : new ulong[values.Length];
        ulong running = 1;
        for (int i = 0; i < values.Length; i++)
        {
            prefix[i] = running;
            running = TField.Multiply(running, values[i]);
        }

        ulong inverse = Inverse(running);
        for (int i = values.Length - 1; i >= 0; i--)
        {
            ulong original = values[i];
            values[i] = TField.Multiply(inverse, prefix[i]);
            inverse = TField.Multiply(inverse, original);
        }
    }

    /// <summary>a^(p−2) (Fermat); the exponent is public, so the square-and-multiply branches leak nothing.</summary>
    public static ulong Inverse(ulong a)
    {
        if (a == 0)
        {
            throw new DivideByZeroException("Zero has no inverse in a field.");
        }

        ulong exponent = TField.Modulus - 2;
        ulong result = 1;
        ulong power = a;
        while (exponent != 0)
        {
            if ((exponent & 1) == 1)
            {
                result = TField.Multiply(result, power);
            }

            power = TField.Multiply(power, power);
            exponent >>= 1;
        }

        return result;
    }
}
