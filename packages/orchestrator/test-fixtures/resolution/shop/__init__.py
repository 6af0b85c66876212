from .models import Base, Item as Product
from .util import *
