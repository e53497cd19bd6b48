// Orbit file formats: safetensors, NPY/NPZ, IDX, CSV (bounded, validated parsers).
import OrbitNumerics
