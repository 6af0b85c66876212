from ..dogs import Dog
